"""Our own actors: the blog, and each of its authors. Their addresses, made in one place.

Every id is built from the blog's canonical origin (`blogs.hosts.origin`, without a request),
so the same actor has the same id whichever host or port a request came in by.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from broadsheet.blogs.hosts import canonical_host, origin
from broadsheet.blogs.models import Blog, Membership
from broadsheet.federation.models import LocalActor
from broadsheet.posts.models import Post, live

BLOG_PATH = "/ap/blog"
AUTHOR_PATH = "/ap/authors/"


def blog_actor(blog: Blog) -> LocalActor:
    """The blog's actor, made (with its key pair) the first time anyone asks."""
    return _get_or_make(blog, None, blog.slug)


USERNAME_MAX = 150  # Django's User.username


def author_actor(blog: Blog, username: str) -> LocalActor | None:
    """An author's actor: only for a member who publishes on the blog; None for anyone else."""
    user = publisher(blog, username)
    return None if user is None else _get_or_make(blog, user, username)


def publisher(blog: Blog, username: str) -> User | None:
    """The member by that name who publishes on the blog (the operator, who runs every blog,
    is nobody's author). A name no account can have (a NUL, which PostgreSQL refuses in any
    text and answered a 500 in the address, or longer than the field) is nobody, unasked.

    Only a member readers already know is anyone here: one with a post readers can see, or
    whose actor the fediverse already has. Anyone else answers as an unknown name does, so
    no one can learn who may publish on a blog by asking for names (issue 12, class 5)."""
    if "\x00" in username or len(username) > USERNAME_MAX:
        return None
    user = get_user_model().objects.filter(username=username).first()
    member = Membership.of(user, blog) if user is not None else None
    if member is None or not member.can_publish or getattr(user, "is_superuser", False):
        return None
    known = LocalActor.objects.filter(blog=blog, user=user).exists()
    return user if known or Post.objects.filter(live(), blog=blog, author=user).exists() else None


def _get_or_make(blog: Blog, user: User | None, username: str) -> LocalActor:
    found = LocalActor.objects.filter(blog=blog, user=user, username=username).first()
    if found is not None:
        return found
    # Imported here: signing loads cryptography, and the reader imports this module for every
    # page (tests/publish/test_startup.py keeps it out of a command's start-up).
    from broadsheet.federation import signatures

    public, private = signatures.new_key_pair()
    try:
        with transaction.atomic():
            return LocalActor.objects.create(
                blog=blog,
                user=user,
                username=username,
                public_key_pem=public,
                private_key_pem=private,
            )
    except IntegrityError:  # two first requests at once: the other one's key stands
        return LocalActor.objects.get(blog=blog, username=username)


def by_username(blog: Blog, username: str) -> LocalActor | None:
    """Whoever `acct:username@host` names on this blog: the blog itself or an author."""
    if username == blog.slug:
        return blog_actor(blog)
    return author_actor(blog, username)


def actor_path(actor: LocalActor) -> str:
    return BLOG_PATH if actor.user_id is None else f"{AUTHOR_PATH}{actor.username}"


def actor_id(actor: LocalActor) -> str:
    return origin(actor.blog) + actor_path(actor)


def key_id(actor: LocalActor) -> str:
    return actor_id(actor) + "#main-key"


def handle(actor: LocalActor) -> str:
    """`name@host`, as people type it into Mastodon's search."""
    return f"{actor.username}@{canonical_host(actor.blog)}"


def shared_inbox(blog: Blog) -> str:
    return origin(blog) + "/ap/inbox"
