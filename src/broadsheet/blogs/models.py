"""Blogs, their settings, who may write on them and who has been invited to."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone

from broadsheet.blogs.domains import normalise_domain, validate_custom_domain
from broadsheet.core import markup

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Paris.")


ROBOTS_TXT_LIMIT = 10_000
# A robots.txt line: a comment, or `Field: value` (RFC 9309 §2.2). Anything else (pasted HTML,
# a sentence) would be ignored by crawlers without a word, so it is refused where it is typed.
_ROBOTS_LINE = re.compile(r"^\s*(?:#.*|[A-Za-z][A-Za-z-]*\s*:.*)?$")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_robots_txt(value: str) -> None:
    """A custom robots.txt must be one crawlers read as the writer meant: plain text, at
    most ROBOTS_TXT_LIMIT characters, no control characters, every line a rule or a comment."""
    if len(value) > ROBOTS_TXT_LIMIT:
        raise ValidationError(f"A robots.txt can be at most {ROBOTS_TXT_LIMIT:,} characters.")
    if _CONTROL.search(value):
        raise ValidationError("A robots.txt cannot contain control characters.")
    for number, line in enumerate(value.splitlines(), start=1):
        if not _ROBOTS_LINE.match(line):
            raise ValidationError(
                f"Line {number} is not a rule such as “Disallow: /search” nor a # comment."
            )


# A blog's slug is also its host name label (`<slug>.<base domain>`), so it follows DNS rules.
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    "Use lower-case letters, digits and hyphens (not at either end), at most 63.",
)


class Blog(models.Model):
    class WhoCanComment(models.TextChoices):
        ANYONE = "anyone", "Anyone, including anonymous readers"
        NAMED = "named", "Anyone who gives a name"
        USERS = "users", "Signed-in users"
        MEMBERS = "members", "Members of this blog only"

    class Moderation(models.TextChoices):
        NEVER = "never", "Never"
        ALWAYS = "always", "Always"
        OLDER = "older", "On posts older than a number of days"

    class CommentChallenge(models.TextChoices):
        OFF = "off", "Off"
        ANONYMOUS = "anonymous", "For commenters who are not signed in"
        EVERYONE = "everyone", "For everyone"

    class FeedContent(models.TextChoices):
        FULL = "full", "Full"
        SUMMARY = "summary", "Until the jump break"
        NONE = "none", "None"

    class Width(models.TextChoices):
        NARROW = "narrow", "Narrow"
        MEDIUM = "medium", "Medium"
        WIDE = "wide", "Wide"

    class Scheme(models.TextChoices):
        AUTO = "auto", "As the reader's device is set (light or dark)"
        LIGHT = "light", "Always light"
        DARK = "dark", "Always dark"

    slug = models.CharField(max_length=63, unique=True, validators=[slug_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    custom_domain = models.CharField(
        max_length=253, unique=True, null=True, blank=True, validators=[validate_custom_domain]
    )
    is_default = models.BooleanField(
        default=False, help_text="Served at the base domain and at bare IP addresses."
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    language = models.CharField(max_length=16, default="en")
    # Django date-format syntax; the default reads "Sunday, October 20, 2024" like Blogger's.
    date_header_format = models.CharField(max_length=64, default="l, F j, Y")
    time_format = models.CharField(max_length=32, default="g:i A")
    posts_per_page = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    featured_post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comments_enabled = models.BooleanField(default=True)
    who_can_comment = models.CharField(
        max_length=16, choices=WhoCanComment.choices, default=WhoCanComment.ANYONE
    )
    moderation = models.CharField(
        max_length=16, choices=Moderation.choices, default=Moderation.NEVER
    )
    moderation_after_days = models.PositiveIntegerField(default=14)
    comment_form_message = models.TextField(blank=True)
    # A question in words the commenter answers (comments.challenge), asked of whom it says.
    comment_challenge = models.CharField(
        max_length=16, choices=CommentChallenge.choices, default=CommentChallenge.OFF
    )
    feed_content = models.CharField(
        max_length=16, choices=FeedContent.choices, default=FeedContent.FULL
    )
    # Blogger's "Post feed redirect URL" (FeedBurner): readers of the posts feed are sent
    # there with a 302; members, and requests with `?redirect=false` (the hub), are not.
    feed_redirect_url = models.URLField(max_length=500, blank=True)
    is_private = models.BooleanField(default=False, help_text="Only members can read it.")
    hide_from_search_engines = models.BooleanField(default=False)
    # Blogger's "Custom 404": plain text, or HTML through the post sanitiser (`not_found_html`).
    not_found_message = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    # Share links under each post (reader.share): plain links, off for blogs that want none.
    share_links = models.BooleanField(default=True)
    # Blogger's "Custom robots.txt": served in place of the generated one when not empty.
    custom_robots_txt = models.TextField(blank=True, validators=[validate_robots_txt])
    # The look (reader.themes, docs/themes.md): a theme by name and the writer's choices on it.
    # "" for an accent or a font is "the theme's own".
    theme = models.CharField(max_length=40, default="column")
    theme_accent = models.CharField(
        max_length=7, blank=True, validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$")]
    )
    theme_text_font = models.CharField(max_length=40, blank=True)
    theme_heading_font = models.CharField(max_length=40, blank=True)
    theme_width = models.CharField(max_length=8, choices=Width.choices, default=Width.MEDIUM)
    theme_scheme = models.CharField(max_length=8, choices=Scheme.choices, default=Scheme.AUTO)
    # A small square image in the default storage (`media.actions.store_favicon`); "" is ours.
    favicon = models.CharField(max_length=255, blank=True)
    # Bumped by every write that changes what readers see; page caches key on it.
    content_version = models.PositiveBigIntegerField(default=1)
    # The content version at which the sidebar (Featured Post, Pages, Blog Archive, Labels)
    # last changed: every write but a comment's. Its cached HTML keys on it (reader.gadgets).
    sidebar_version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_blog",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        # An empty custom domain is "none"; NULL keeps the unique constraint out of its way.
        self.custom_domain = normalise_domain(self.custom_domain or "") or None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        # The field's validator has judged the name itself (forms and the admin run it
        # first); what needs the other blogs is checked here, once.
        super().clean()
        self._claim_custom_domain()

    def clean_custom_domain(self) -> None:
        """Check the custom domain as every form does, for writers that have no form (a
        backup restore): raises `ValidationError` naming the field."""
        if self.custom_domain:
            try:
                validate_custom_domain(self.custom_domain)
            except ValidationError as error:
                raise ValidationError({"custom_domain": error.messages}) from None
        self._claim_custom_domain()

    def _claim_custom_domain(self) -> None:
        host = normalise_domain(self.custom_domain or "") or None
        # Stored domains are normalised on save; rows from before may keep a trailing dot.
        same = Q(custom_domain__iexact=host) | Q(custom_domain__iexact=f"{host}.")
        if host and Blog.objects.exclude(pk=self.pk).filter(same).exists():
            raise ValidationError({"custom_domain": f"{host} is already another blog's domain."})
        # A domain the blog holds already stays its own (given before this rule, or by an
        # admin of both): refusing it would refuse every other setting saved with it.
        kept = Blog.objects.filter(pk=self.pk).values_list("custom_domain", flat=True).first()
        above = self._domain_above(host) if host and host != kept else None
        if above is not None:
            raise ValidationError({
                "custom_domain": f"{host} is under {above}, another blog's domain: the names "
                f"under a domain are its owner's. An admin of both blogs may give it."
            })  # fmt: skip
        self.custom_domain = host

    def _domain_above(self, host: str) -> str | None:
        """Another blog's custom domain that `host` is under, unless the two blogs share an
        admin. Whoever owns a domain owns the names under it; with a wildcard record pointing
        here, any other blog could otherwise claim `shop.` their domain and be served there."""
        labels = host.split(".")
        parents = [".".join(labels[start:]) for start in range(1, len(labels) - 1)]
        # As `_claim_custom_domain` matches: rows from before normalising may differ in case.
        under = Q(pk__in=[])
        for parent in parents:
            under |= Q(custom_domain__iexact=parent) | Q(custom_domain__iexact=f"{parent}.")
        admins = Membership.objects.filter(role=Membership.Role.ADMIN)
        ours = admins.filter(blog_id=self.pk).values("user_id")
        found = (
            Blog.objects.exclude(pk=self.pk)
            .filter(under)
            .exclude(pk__in=admins.filter(user_id__in=ours).values("blog_id"))
            .values_list("custom_domain", flat=True)
            .first()
        )
        return found.rstrip(".").lower() if found else None

    @property
    def not_found_html(self) -> str:
        """The custom 404 message as safe HTML: sanitised when it is HTML, else its paragraphs
        and links kept as in a comment, so a writer can paste either (Blogger takes both)."""
        message = self.not_found_message.strip()
        if _LOOKS_LIKE_HTML.search(message):
            return markup.sanitize(message)
        return markup.comment_html(message) if message else ""

    @property
    def favicon_url(self) -> str:
        return default_storage.url(self.favicon) if self.favicon else ""

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def lasting_id(self) -> str:
        """The blog as keys kept between requests name it: its id and creation time, so that
        a blog made again under a deleted one's id (SQLite reuses ids) is another."""
        return f"{self.pk}.{int(self.created_at.timestamp() * 1_000_000)}"

    @staticmethod
    def committed_version(blog_id: int) -> int | None:
        """The blog's content version as the database holds it now (None: no such blog)."""
        found: int | None = (
            Blog.objects.filter(pk=blog_id).values_list("content_version", flat=True).first()
        )
        return found


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        AUTHOR = "author", "Author"
        CONTRIBUTOR = "contributor", "Contributor"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "user"], name="one_membership_per_blog")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.blog}"

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser, blog: Blog) -> Membership | None:
        """The user's place on the blog, or None for an outsider.

        A superuser runs the whole install, so they act as an admin of every blog; the
        membership returned for them is not saved.
        """
        if not user.is_authenticated:
            return None
        if getattr(user, "is_superuser", False):
            return cls(blog=blog, user=user, role=cls.Role.ADMIN)  # type: ignore[misc]
        return cls.objects.filter(blog=blog, user=user).select_related("blog").first()

    # The role rules. Actions check them (templates only hide what they forbid), and the
    # per-post rules in `Post.editable_by` and friends build on them.

    @property
    def is_admin(self) -> bool:
        """Admins run the blog: settings, members, pages, and every post."""
        return self.role == self.Role.ADMIN

    @property
    def can_publish(self) -> bool:
        """Admins and authors publish; contributors write drafts for them."""
        return self.role in (self.Role.ADMIN, self.Role.AUTHOR)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self, now: dt.datetime | None = None) -> InvitationQuerySet:
        """Not accepted, not revoked, not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An emailed link that makes whoever follows it a member of a blog with a role.

    Only a hash of the link's token is stored: someone who reads the database cannot use the
    invitations in it.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    LIFETIME = dt.timedelta(days=14)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} on {self.blog}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.accepted_at is None and self.expires_at > (now or timezone.now())


class Profile(models.Model):
    """How a person appears to readers: bylines, feeds, the Profile gadget. Made on demand
    (`blogs.people.profile_of`), so accounts from before it, and imports, need none.

    `avatar` names a small square portrait in the default storage (`media.actions`), already
    re-encoded; "" is none.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=100, blank=True)
    bio = models.CharField(max_length=500, blank=True)
    link = models.URLField(max_length=500, blank=True)
    avatar = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"

    @property
    def avatar_url(self) -> str:
        return default_storage.url(self.avatar) if self.avatar else ""


class AppPassword(models.Model):
    """A secret a person gives one program (a desktop editor, a script) instead of their
    password: named, limited to reading or to reading and writing, optionally to one blog, and
    revocable on its own. The workflows are in `blogs.app_passwords`.

    Only a SHA-256 of the secret is kept: the secret is 32 random bytes, so a fast hash is as
    safe as a slow one (there is nothing to guess), and it keeps every API request cheap.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(max_length=100)
    # "read", or "read write": a space-separated list, as OAuth scopes are written.
    scopes = models.CharField(max_length=64, default=Scope.READ)
    blog = models.ForeignKey(
        Blog, null=True, blank=True, on_delete=models.CASCADE, related_name="app_passwords"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, shown in the studio so a person can tell them apart.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class PostByEmail(models.Model):
    """A blog's secret address for posting by email (`<secret>@<post-by-email domain>`), and
    whether what arrives there is published or kept as a draft. Made by an admin; rotating
    the secret ends the old address at once."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="post_by_email")
    # Random and long: the address is the credential, so it must not be guessable.
    secret = models.CharField(max_length=64, unique=True)
    publish = models.BooleanField(default=False, help_text="Publish mailed posts at once.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Posting by email to {self.blog}"

    @property
    def address(self) -> str:
        domain = settings.POST_BY_EMAIL_DOMAIN
        return f"{self.secret}@{domain}" if domain else ""


# The layout's model lives with its rules (blogs.layout); Django finds models through this
# module, so it is imported here, after Blog, which it refers to.
from broadsheet.blogs.layout import Gadget  # noqa: E402, F401
