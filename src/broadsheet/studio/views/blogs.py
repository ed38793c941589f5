"""The studio's front doors (the blog list, each blog's dashboard) and the blog settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.views.decorators.http import require_http_methods, require_safe

from broadsheet.blogs import actions
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.studio.access import blog_view, signed_out
from broadsheet.studio.forms import BlogForm, NewBlogForm
from broadsheet.studio.links import public_url


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The blogs this user writes on; straight to the dashboard when there is only one."""
    if not request.user.is_authenticated:
        return signed_out(request)
    memberships = places_of(request.user)
    may_create = actions.may_create_blogs(request.user)
    if len(memberships) == 1 and not may_create:
        return redirect("studio:dashboard", memberships[0].blog.slug)
    context = {"memberships": memberships, "may_create": may_create}
    return render(request, "studio/home.html", context)


def places_of(user: User) -> list[Membership]:
    """The user's blogs with their role. A superuser runs the install and so is an admin of
    every blog (`Membership.of`) without any membership rows: the site admin's first screen
    lists every blog, not "you do not write on any blog yet"."""
    if user.is_superuser:
        places = (Membership.of(user, blog) for blog in Blog.objects.order_by("title"))
        return [place for place in places if place is not None]
    mine = Membership.objects.filter(user=user).select_related("blog")
    return list(mine.order_by("blog__title"))


@require_safe
@blog_view()
def dashboard(request: HttpRequest, member: Membership) -> HttpResponse:
    """Recent posts with their comment counts, comments waiting, drafts and scheduled posts."""
    now = timezone.now()
    mine = Post.objects.visible_to(member).only(
        "title", "status", "published_at", "updated_at", "comment_count", "blog_id", "author_id"
    )
    waiting = Comment.objects.filter(
        post__in=Post.objects.visible_to(member), status=Comment.Status.PENDING
    )
    context = {
        "member": member,
        "blog": member.blog,
        "recent": mine.published(now).order_by("-published_at")[:8],
        "drafts": mine.drafts().order_by("-updated_at")[:8],
        "scheduled": mine.scheduled(now).order_by("published_at")[:8],
        "waiting": waiting.select_related("post").order_by("-created_at")[:8],
        "waiting_count": waiting.count(),
        "blog_url": public_url(request, member.blog),
    }
    return render(request, "studio/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def blog_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return signed_out(request)
    if not actions.may_create_blogs(request.user):
        return render(request, "studio/forbidden.html", {"message": NOT_STAFF}, status=403)
    form = NewBlogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        blog = actions.create_blog(request.user, form.save(commit=False))
        messages.success(request, f"“{blog.title}” is ready. Write its first post.")
        return redirect("studio:dashboard", blog.slug)
    status = 400 if form.is_bound else 200
    return render(request, "studio/blog_new.html", {"form": form}, status=status)


NOT_STAFF = "Only the site's staff create blogs. Ask them to create one and invite you."


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def blog_settings(request: HttpRequest, member: Membership) -> HttpResponse:
    may_set_default = bool(request.user.is_superuser)
    blog = Blog.objects.get(pk=member.blog.pk)  # a copy: a failed form must not change member.blog
    form = BlogForm(request.POST or None, instance=blog, may_set_default=may_set_default)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_blog_settings(member, form.instance)
        messages.success(request, "Settings saved.")
        return redirect("studio:blog-settings", saved.slug)
    context = {
        "member": member,
        "blog": member.blog,
        "form": form,
        "date_example": date_example_text(blog, blog.date_header_format, blog.language),
        "time_example": date_example_text(blog, blog.time_format, blog.language),
        "example_url": reverse("studio:date-example", args=[member.blog.slug]),
    }
    return render(request, "studio/blog_settings.html", context, status=400 if form.errors else 200)


@require_safe
@blog_view(admin=True, json=True)
def date_example(request: HttpRequest, member: Membership) -> HttpResponse:
    """Today's date in a format being typed on the settings page (for its live example)."""
    fmt = request.GET.get("format", "")[:64]
    language = request.GET.get("language", member.blog.language)[:16]
    return JsonResponse({"example": date_example_text(member.blog, fmt, language)})


def date_example_text(blog: Blog, fmt: str, language: str) -> str:
    now = timezone.localtime(timezone.now(), blog.tzinfo)
    try:
        with translation.override(language or "en"):
            return dateformat.format(now, fmt)
    except (ValueError, TypeError, LookupError):
        return ""
