"""How every API view gets at its blog and its objects: one helper per kind, the studio's
rules (`studio.access`, which this sibling app does not import) on the models' own checks.

A blog the caller is not a member of, one the app password does not reach, and any object
outside the caller's reach answer 404 alike: the API confirms nothing it would not show.
Members read what readers read (live posts and pages, published comments) and, as in the
studio, the drafts they may see (`Post.visible_to`); refusals by role come from the actions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from broadsheet.api.errors import ApiError
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Page, Post, PostQuerySet, live

# Ids are numbers; anything longer than a 64-bit integer's digits is no id of ours (and would
# overflow PostgreSQL's bigint rather than miss).
MAX_ID_DIGITS = 18


def number(value: str, what: str) -> int:
    if not value.isdigit() or len(value) > MAX_ID_DIGITS or not value.isascii():
        raise ApiError("notFound", f"No such {what}.")
    return int(value)


def member_for(grant: Grant, blog_id: str) -> Membership:
    """The caller's membership of the blog, or 404."""
    blog = Blog.objects.filter(pk=number(blog_id, "blog")).first()
    member = Membership.of(grant.user, blog) if blog and grant.reaches(blog) else None
    if member is None or blog is None:
        raise ApiError("notFound", "No such blog.")
    member.blog = blog
    return member


def blogs_for(grant: Grant) -> list[Blog]:
    """The blogs the caller writes on and the password reaches, by title."""
    everyone = getattr(grant.user, "is_superuser", False)
    blogs = (
        Blog.objects.all()
        if everyone
        else Blog.objects.filter(
            pk__in=Membership.objects.filter(user_id=grant.user.pk).values("blog_id")
        )
    )
    return [found for found in blogs.order_by("title") if grant.reaches(found)]


def post_anywhere(grant: Grant, post_id: str) -> tuple[Membership, Post]:
    """A post by its id alone, as MetaWeblog and Blogger 1.0 name it when editing: the
    caller's membership of its blog and the post; 404 alike for a post that does not exist
    and one on a blog out of reach."""
    pk = number(post_id, "post")
    blog_id = Post.objects.filter(pk=pk).values_list("blog_id", flat=True).first()
    try:
        member = member_for(grant, str(blog_id or 0))
    except ApiError:
        raise ApiError("notFound", "No such post.") from None
    return member, post_for(member, str(pk))


def posts_for(member: Membership) -> PostQuerySet:
    """The posts the member may read: the live ones, and those they see in the studio."""
    posts = Post.objects.filter(blog=member.blog).not_trashed()
    if member.is_admin:
        return posts
    return posts.filter(live() | Q(author_id=member.user_id))


def post_for(member: Membership, post_id: str) -> Post:
    post = posts_for(member).filter(pk=number(post_id, "post")).select_related("author").first()
    if post is None:
        raise ApiError("notFound", "No such post.")
    post.blog = member.blog
    return post


def pages_for(member: Membership) -> QuerySet[Page]:
    pages = Page.objects.filter(blog=member.blog).exclude(status=Page.Status.TRASH)
    return pages if member.is_admin else pages.filter(status=Page.Status.PUBLISHED)


def page_for(member: Membership, page_id: str) -> Page:
    page = pages_for(member).filter(pk=number(page_id, "page")).first()
    if page is None:
        raise ApiError("notFound", "No such page.")
    page.blog = member.blog
    return page


def comments_for(member: Membership) -> QuerySet[Comment]:
    """Published comments on the posts the member reads, and every comment they moderate."""
    readable = Comment.objects.filter(
        post__in=posts_for(member).values("pk"), status=Comment.Status.PUBLISHED
    )
    return Comment.objects.filter(
        Q(pk__in=readable.values("pk"))
        | Q(pk__in=Comment.objects.moderatable_by(member).values("pk"))
    )


def comment_for(member: Membership, post: Post, comment_id: str) -> Comment:
    found = comments_for(member).filter(post=post, pk=number(comment_id, "comment")).first()
    if found is None:
        raise ApiError("notFound", "No such comment.")
    found.post = post
    return found
