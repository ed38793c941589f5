"""The studio's forms. They check input and hand actions plain values; they never save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from broadsheet.blogs import people
from broadsheet.blogs.models import Blog, Membership, Profile
from broadsheet.core import markup, slugs
from broadsheet.core.weblinks import web_url
from broadsheet.posts.actions import Content
from broadsheet.posts.labels import problem as labels_problem
from broadsheet.posts.models import Autosave, Page, Post, ReaderComments, Robots, SourceFormat
from broadsheet.posts.size import validate_body
from broadsheet.studio.timezones import TimeZoneField, describe

PERMALINK_HELP = (
    "Letters, digits, and _ - . only; .html is added. Leave empty to make one from the title."
)
# `+` joins labels in Blogger's label addresses (/search/label/A+B) and `/` splits paths.
LABEL_FORBIDDEN = set("+/")


class PlainInput:
    """Characters no page or feed can carry are taken out of what was typed before the form
    checks it: control characters other than tab and line breaks (a vertical tab, a form feed
    and the separators U+001C-001F become spaces, the rest go; `markup.xml_safe`). Pasted from
    a terminal or a PDF, they would be invisible on the page, invalid in its HTML, and had
    taken every feed carrying them down. Passwords are left exactly as typed."""

    data: Any

    def full_clean(self) -> None:
        if hasattr(self.data, "lists"):  # a QueryDict (form posts)
            cleaned = self.data.copy()
            for key, values in self.data.lists():
                if "password" not in key:  # a password is kept exactly as typed
                    cleaned.setlist(key, [_plain(value) for value in values])
            self.data = cleaned
        elif isinstance(self.data, dict):  # JSON bodies (autosave)
            self.data = {key: _plain(value) for key, value in self.data.items()}
        super().full_clean()  # type: ignore[misc]


def _plain(value: Any) -> Any:
    return markup.xml_safe(value) if isinstance(value, str) else value


class PostForm(PlainInput, forms.Form):
    """The editor. Publish date and time are read and shown in the blog's time zone: views run
    it inside `timezone.override(blog.tzinfo)`."""

    title = forms.CharField(max_length=500, error_messages={"required": "Give the post a title."})
    source = forms.CharField(
        label="Body",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        validators=[validate_body],
    )
    source_format = forms.ChoiceField(
        label="Format",
        choices=SourceFormat.choices,
        initial=SourceFormat.MARKDOWN,
        widget=forms.RadioSelect,
    )
    labels = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Separate labels with commas.",
        widget=forms.TextInput(attrs={"list": "label-options", "autocomplete": "off"}),
    )
    permalink = forms.CharField(
        label="Custom permalink", max_length=200, required=False, help_text=PERMALINK_HELP
    )
    search_description = forms.CharField(
        max_length=300,
        required=False,
        help_text="Shown by search engines under the title; at most 300 characters.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    publish_at = forms.DateTimeField(
        label="Publish date and time",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reader_comments = forms.ChoiceField(
        label="Reader comments",
        choices=ReaderComments.choices,
        initial=ReaderComments.ALLOW,
        required=False,
        widget=forms.RadioSelect,
    )
    robots = forms.ChoiceField(
        label="Custom robots tags",
        choices=Robots.choices,
        required=False,
        help_text="What search engines may do with this post. noindex and none also leave it"
        " out of the sitemap.",
    )

    def __init__(self, *args: Any, blog: Blog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blog = blog
        self.fields["publish_at"].help_text = (
            f"In the blog's time zone, {blog.time_zone}. Leave empty to publish now;"
            " a time ahead schedules the post."
        )

    def clean_labels(self) -> tuple[str, ...]:
        names = split_labels(self.cleaned_data["labels"])
        for name in names:
            if LABEL_FORBIDDEN & set(name):
                raise forms.ValidationError(f"“{name}”: a label cannot contain + or /.")
            if len(name) > 200:
                raise forms.ValidationError("A label can be at most 200 characters long.")
        problem = labels_problem(names)
        if problem is not None:
            raise forms.ValidationError(problem)
        return names

    def clean_permalink(self) -> str:
        return clean_custom_permalink(self.cleaned_data["permalink"])

    def clean_reader_comments(self) -> str:
        # Before the three options the editor had an "Allow comments" checkbox; a script or an
        # autosave from then still sends it, and means what it meant.
        chosen = self.cleaned_data["reader_comments"]
        if chosen:
            return str(chosen)
        legacy = self.data.get("comments_allowed")
        return ReaderComments.ALLOW if legacy == "on" else ReaderComments.STOP

    def content(self) -> Content:
        data = self.cleaned_data
        return Content(
            title=data["title"],
            source=data["source"],
            source_format=data["source_format"],
            labels=data["labels"],
            permalink=data["permalink"],
            search_description=data["search_description"],
            comments_allowed=data["reader_comments"] == ReaderComments.ALLOW,
            comments_hidden=data["reader_comments"] == ReaderComments.HIDE,
            robots=data["robots"],
            publish_at=data["publish_at"],
        )


class PageForm(PlainInput, forms.Form):
    title = forms.CharField(max_length=500, error_messages={"required": "Give the page a title."})
    source = PostForm.base_fields["source"]
    source_format = PostForm.base_fields["source_format"]
    permalink = forms.CharField(
        label="Custom permalink", max_length=200, required=False, help_text=PERMALINK_HELP
    )

    def __init__(self, *args: Any, blog: Blog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blog = blog

    def clean_permalink(self) -> str:
        return clean_custom_permalink(self.cleaned_data["permalink"])

    def content(self) -> Content:
        data = self.cleaned_data
        return Content(
            title=data["title"],
            source=data["source"],
            source_format=data["source_format"],
            permalink=data["permalink"],
        )


class AutosaveForm(PlainInput, forms.Form):
    """What the editor's script sends every few seconds: everything may still be empty."""

    title = forms.CharField(max_length=500, required=False)
    source = forms.CharField(required=False, strip=False, validators=[validate_body])
    source_format = forms.ChoiceField(choices=SourceFormat.choices, required=False)
    labels = forms.CharField(max_length=1000, required=False)

    def content(self) -> Content:
        data = self.cleaned_data
        return Content(
            title=data["title"],
            source=data["source"],
            source_format=data["source_format"] or SourceFormat.MARKDOWN,
            labels=split_labels(data["labels"]),
        )

    def other_fields(self) -> dict[str, str]:
        """The editor's fields beyond these four, as typed (the search description, the
        publish date…): kept so that a restore brings back the whole form. Not validated
        here: half-typed is normal mid-sentence, and saving checks them."""
        return {
            name: value
            for name in PostForm.base_fields.keys() - type(self).base_fields.keys()
            if isinstance(value := self.data.get(name), str) and len(value) <= OTHER_FIELD_LIMIT
        }


# An autosaved field past this is left out of the server's copy (the browser keeps it): no
# editor field is near it, and a script filling the table with megabytes gets nothing kept.
OTHER_FIELD_LIMIT = 5000


class PreviewForm(PlainInput, forms.Form):
    source = forms.CharField(required=False, strip=False, validators=[validate_body])
    source_format = forms.ChoiceField(choices=SourceFormat.choices)


def split_labels(raw: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in raw.split(","):
        if name.strip():
            seen.setdefault(" ".join(name.split()), None)
    return tuple(seen)


def clean_custom_permalink(raw: str) -> str:
    raw = raw.strip()
    if raw and slugs.permalink_slug(raw) is None:
        raise forms.ValidationError(
            "Use only letters, digits, _ - and . in a permalink (and at least one letter or digit)."
        )
    return raw


def post_initial(post: Post, autosaved: Autosave | None) -> dict[str, Any]:
    """The editor's fields for a post, with autosaved text in place of the saved text."""
    initial = {
        "title": post.title,
        "source": post.source,
        "source_format": post.source_format,
        "labels": ", ".join(label.name for label in post.labels.all()),
        "permalink": "" if post.permalink else post.slug,
        "search_description": post.search_description,
        "reader_comments": post.reader_comments,
        "robots": post.robots or "",
        "publish_at": post.published_at,
    }
    return initial | autosave_initial(autosaved)


def page_initial(page: Page, autosaved: Autosave | None) -> dict[str, Any]:
    initial = {
        "title": page.title,
        "source": page.source,
        "source_format": page.source_format,
        "permalink": page.slug,
    }
    return initial | autosave_initial(autosaved)


def autosave_initial(autosaved: Autosave | None) -> dict[str, Any]:
    if autosaved is None:
        return {}
    return autosaved.fields | {
        "title": autosaved.title,
        "source": autosaved.source,
        "source_format": autosaved.source_format,
        "labels": autosaved.labels,
    }


# Images


class ImageUploadForm(PlainInput, forms.Form):
    # Set by the view when the upload was refused for the member's hourly limit (seconds to
    # wait): the page answers 429, the editor's script gets a JSON error it can show.
    retry_after: int | None = None

    image = forms.FileField(
        label="Image file",
        help_text="JPEG, PNG, GIF or WebP.",
        error_messages={"required": "Choose an image file to upload."},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    alt = forms.CharField(
        label="Description (alternative text)",
        max_length=500,
        required=False,
        help_text="What the image shows, for people who cannot see it.",
    )

    def clean_image(self) -> UploadedFile:
        return _within_image_limit(self.cleaned_data["image"])


def _within_image_limit(upload: UploadedFile) -> UploadedFile:
    limit = settings.MAX_IMAGE_BYTES
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            f"This file is {upload.size / 1048576:.1f} MB; images can be at most"
            f" {limit / 1048576:.0f} MB."
        )
    return upload


# Profile


class ProfileForm(PlainInput, forms.Form):
    """How a person appears to readers. The avatar is checked by what it is (`media.images`)
    when the action stores it; here only by its size."""

    display_name = forms.CharField(
        label="Display name",
        max_length=100,
        required=False,
        help_text="Shown on your posts, in feeds and on your comments. Empty: your full name.",
    )
    bio = forms.CharField(
        label="About you",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences, plain text, at most 500 characters.",
    )
    link = forms.CharField(
        label="Your web page",
        max_length=500,
        required=False,
        help_text="An http:// or https:// address.",
    )
    avatar = forms.FileField(
        label="Picture",
        required=False,
        help_text="JPEG, PNG, GIF or WebP; it is cut to a square.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label="Remove the picture", required=False)

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if people.looks_like_address(name):
            raise forms.ValidationError("A display name cannot be an email address.")
        return name

    def clean_bio(self) -> str:
        return str(self.cleaned_data["bio"]).strip()

    def clean_link(self) -> str:
        typed = self.cleaned_data["link"].strip()
        if typed and not web_url(typed):
            raise forms.ValidationError("Give an address that starts with http:// or https://.")
        return typed

    def clean_avatar(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data["avatar"]
        return _within_image_limit(upload) if upload else None

    def fill(self, profile: Profile) -> Profile:
        """The profile with the typed values (not saved: the action saves)."""
        for name in ("display_name", "bio", "link"):
            setattr(profile, name, self.cleaned_data[name])
        return profile


# Blogs

# Studio addresses that are not blogs: /studio/<blog>/ must not shadow them.
RESERVED_SLUGS = frozenset(
    {
        *("login", "logout", "account", "password-reset", "invitations", "new-blog"),
        *("comments", "profile"),
    }
)


def clean_blog_slug(slug: str) -> str:
    if slug in RESERVED_SLUGS:
        raise forms.ValidationError(f"“{slug}” is taken by the studio; choose another name.")
    return slug


class BlogForm(PlainInput, forms.ModelForm):
    """Every setting a blog has. The featured post is chosen among its published posts."""

    feed_redirect_url = forms.URLField(
        label="Post feed redirect URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="As on Blogger: readers of the posts feed are sent there (FeedBurner, say)."
        " Members, and requests with ?redirect=false, still get the feed.",
    )
    # Not required: a client that does not know the setting (an older script) leaves it be.
    comment_challenge = forms.ChoiceField(
        label="Ask commenters a question",
        choices=Blog.CommentChallenge.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="A small sum in words (“What is three plus four?”) answered before a"
        " comment is taken: no outside service, no image, no cookie, and no JavaScript needed.",
    )

    class Meta:
        model = Blog
        fields = [
            "title",
            "description",
            "slug",
            "custom_domain",
            "time_zone",
            "language",
            "date_header_format",
            "time_format",
            "posts_per_page",
            "featured_post",
            "comments_enabled",
            "who_can_comment",
            "moderation",
            "moderation_after_days",
            "comment_form_message",
            "comment_challenge",
            "feed_content",
            "feed_redirect_url",
            "is_private",
            "hide_from_search_engines",
            "custom_robots_txt",
            "not_found_message",
            "share_links",
            "is_default",
        ]
        labels = {
            "slug": "Address name",
            "custom_domain": "Custom domain",
            "time_zone": "Time zone",
            "date_header_format": "Date header format",
            "time_format": "Time format",
            "posts_per_page": "Posts on the home page",
            "featured_post": "Featured post",
            "comments_enabled": "Readers may comment",
            "who_can_comment": "Who can comment",
            "moderation": "Hold comments for moderation",
            "moderation_after_days": "Moderate on posts older than (days)",
            "comment_form_message": "Comment form message",
            "feed_content": "Feed content",
            "is_private": "Private: only members can read it",
            "hide_from_search_engines": "Ask search engines not to list it",
            "custom_robots_txt": "Custom robots.txt",
            "not_found_message": "Custom page-not-found message",
            "share_links": "Show share links under posts",
            "is_default": "Default blog of this site",
        }
        help_texts = {
            "slug": "The blog also answers at this name under the site's domain. Changing it"
            " changes that address.",
            "custom_domain": "A domain of its own, such as notes.example.org. The site's"
            " operator must also add it to BROADSHEET_ALLOWED_HOSTS.",
            "language": "A language code such as en, fr or pt-br: it sets the language of"
            " dates and of the reader's page texts.",
            "date_header_format": "Django date format letters: l weekday, F month, j day,"
            " Y year, d two-digit day, m two-digit month, M short month.",
            "time_format": "Same letters; g hour, i minutes, A AM/PM, H 24-hour hour.",
            "featured_post": "Shown in the Featured Post gadget. Empty: the newest post.",
            "is_default": "Served at the site's own domain and at its IP addresses.",
            "is_private": "",
            "share_links": "Email, Mastodon, Bluesky, Facebook, X, LinkedIn and Reddit: plain"
            " links, so no service learns of a reader who does not click.",
            "not_found_message": "Shown to readers who follow a broken link, above the search"
            " box. Plain text, or HTML (cleaned like a post's). Empty: the standard message.",
            "custom_robots_txt": "Served at /robots.txt in place of the generated rules."
            " Empty: the generated ones. A private or hidden blog always asks crawlers to"
            " stay out.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "comment_form_message": forms.Textarea(attrs={"rows": 3}),
            "custom_robots_txt": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
            "not_found_message": forms.Textarea(attrs={"rows": 3}),
            "who_can_comment": forms.RadioSelect,
            "moderation": forms.RadioSelect,
            "feed_content": forms.RadioSelect,
        }

    def __init__(self, *args: Any, may_set_default: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.instance.time_zone if self.instance.pk else "UTC"
        self.fields["time_zone"] = TimeZoneField(initial="UTC", help_text=describe(zone))
        featured = self.fields["featured_post"]
        featured.queryset = (  # type: ignore[attr-defined]
            Post.objects.public(self.instance).select_related(None).only("title", "published_at")
            if self.instance.pk
            else Post.objects.none()
        )
        featured.empty_label = "The newest post"  # type: ignore[attr-defined]
        if not may_set_default:
            del self.fields["is_default"]

    def clean_slug(self) -> str:
        return clean_blog_slug(self.cleaned_data["slug"])

    def clean_comment_challenge(self) -> str:
        return self.cleaned_data["comment_challenge"] or self.instance.comment_challenge

    def _get_validation_exclusions(self) -> set[str]:
        # The one-default-blog constraint is kept by save_blog_settings, which takes the place
        # from the old default in the same transaction; checking it here would refuse the move.
        return super()._get_validation_exclusions() | {"is_default"}  # type: ignore[misc]


class NewBlogForm(PlainInput, forms.ModelForm):
    class Meta:
        model = Blog
        fields = ["title", "slug", "description", "time_zone", "language"]
        labels = {"slug": "Address name", "time_zone": "Time zone"}
        help_texts = {"slug": BlogForm.Meta.help_texts["slug"]}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = TimeZoneField(initial=timezone.get_default_timezone_name())

    def clean_slug(self) -> str:
        return clean_blog_slug(self.cleaned_data["slug"])


# Members


class InviteForm(PlainInput, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        choices=Membership.Role.choices, initial=Membership.Role.AUTHOR, widget=forms.RadioSelect
    )


class RoleForm(PlainInput, forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


if TYPE_CHECKING:
    _UserCreationForm = UserCreationForm[User]
else:
    _UserCreationForm = UserCreationForm


class JoinForm(PlainInput, _UserCreationForm):
    """A new account for someone who follows an invitation link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name")
        labels = {"first_name": "First name", "last_name": "Last name"}


class AppPasswordForm(PlainInput, forms.Form):
    """A new app password: its name, what it may do, and optionally the one blog it reaches.
    `blogs` are the (slug, title) pairs of the person's blogs."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which program it is for, so you know which to revoke: “MarsEdit on my laptop”.",
    )
    access = forms.ChoiceField(
        label="It may",
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="write",
        widget=forms.RadioSelect,
    )
    blog = forms.ChoiceField(label="Blog", required=False)

    def __init__(self, *args: Any, blogs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["blog"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every blog I write on"), *blogs]
