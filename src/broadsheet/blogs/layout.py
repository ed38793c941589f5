"""A blog's layout: which gadgets its header, sidebar and footer show, in what order, and each
one's options (Blogger's Layout page).

A layout is an ordered list of `Gadget` rows per area. A blog with no rows at all shows
`DEFAULT_LAYOUT`, the sidebar every blog had before layouts could be edited, so a blog made
around the actions (a test, a restore) looks as it always did. The header gadget is never
removable, so a stored layout always has a row and an emptied sidebar stays empty.

Options are JSON checked here against each kind's `Option`s (`clean_config`), whoever writes
them: the studio's forms check the same things first to answer field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from broadsheet.blogs.models import Blog
from broadsheet.core.weblinks import web_url


class Area(models.TextChoices):
    HEADER = "header", "Header"
    SIDEBAR = "sidebar", "Sidebar"
    FOOTER = "footer", "Footer"


class Kind(models.TextChoices):
    HEADER = "header", "Header"
    ATTRIBUTION = "attribution", "Attribution"
    ABOUT = "about", "About (the blog's description)"
    FEATURED = "featured", "Featured Post"
    POPULAR = "popular", "Popular Posts"
    ARCHIVE = "archive", "Blog Archive"
    LABELS = "labels", "Labels"
    PAGES = "pages", "Pages"
    PROFILE = "profile", "Profile"
    SEARCH = "search", "Search"
    TEXT = "text", "Text"
    HTML = "html", "HTML"
    IMAGE = "image", "Image"
    LINKS = "links", "Link List"
    SUBSCRIBE = "subscribe", "Subscribe links"
    FOLLOW = "follow", "Follow by Email"


# The kinds a blog may place more than once; the others show the blog's one of a thing (its
# archive, its search box) and keep the element ids readers' bookmarks and tests know.
REPEATABLE = frozenset({Kind.TEXT, Kind.HTML, Kind.IMAGE, Kind.LINKS})
# Fixed in their area: the header has exactly one, and the footer's attribution line stays.
FIXED = frozenset({Kind.HEADER, Kind.ATTRIBUTION})
PLACEABLE = [kind for kind in Kind if kind not in FIXED]

# The headings readers saw before layouts were editable; a gadget with no title of its own
# shows its kind's.
DEFAULT_TITLES = {
    Kind.ABOUT: "About",
    Kind.FEATURED: "Featured Post",
    Kind.POPULAR: "Popular Posts",
    Kind.ARCHIVE: "Blog Archive",
    Kind.LABELS: "Labels",
    Kind.PAGES: "Pages",
    Kind.SEARCH: "Search This Blog",
    Kind.TEXT: "Text",
    Kind.HTML: "HTML",
    Kind.IMAGE: "Image",
    Kind.LINKS: "Links",
    Kind.SUBSCRIBE: "Subscribe To",
    Kind.FOLLOW: "Follow by Email",
}

TEXT_LIMIT = 5_000
HTML_LIMIT = 20_000
LINKS_LIMIT = 50


@dataclass(frozen=True)
class Option:
    """One option of a kind: its default, and what a stored value may be."""

    default: Any
    choices: tuple[Any, ...] = ()
    low: int = 0
    high: int = 0
    max_length: int = 200
    check: Callable[[Any], Any] | None = None


def _page_ids(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(type(item) is int for item in value):
        raise ValidationError("Pages are listed by their numbers.")
    return value[:500]


def _links(value: Any) -> list[dict[str, str]]:
    """Each link a name and an http(s) address: a `javascript:` link is refused, not shown."""
    if not isinstance(value, list) or len(value) > LINKS_LIMIT:
        raise ValidationError(f"A link list holds at most {LINKS_LIMIT} links.")
    links = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValidationError(f"Link {number} needs a name and an address.")
        url, text = web_url(str(item.get("url", ""))), item["text"].strip()[:200]
        if not url or not text:
            raise ValidationError(f"Link {number} needs a name and an http(s) address.")
        links.append({"text": text, "url": url})
    return links


def _image_src(value: Any) -> str:
    """An uploaded image's address (the studio stores it through `media`): on this site, or
    on the object storage's http(s) host; none yet is "". Never a `javascript:` or `data:`."""
    local = isinstance(value, str) and value.startswith("/") and not value.startswith("//")
    if value != "" and not local and not web_url(str(value)):
        raise ValidationError("The image must be one uploaded to this blog.")
    return str(value)[:500]


def _optional_link(value: Any) -> str:
    if value == "":
        return ""
    if not isinstance(value, str) or not web_url(value):
        raise ValidationError("Give an address that starts with http:// or https://.")
    return web_url(value)


OPTIONS: dict[str, dict[str, Option]] = {
    Kind.HEADER: {
        "show_description": Option(True),
        "image": Option("", check=_image_src),
        "alt": Option("", max_length=300),
    },
    Kind.ATTRIBUTION: {"text": Option("", max_length=500)},
    Kind.FEATURED: {"show_snippet": Option(True)},
    Kind.POPULAR: {
        "count": Option(5, low=1, high=10),
        "days": Option(30, choices=(7, 30, 0)),
        "thumbnails": Option(True),
        "snippets": Option(True),
    },
    Kind.ARCHIVE: {"style": Option("hierarchy", choices=("hierarchy", "flat", "menu"))},
    Kind.LABELS: {
        "display": Option("list", choices=("list", "cloud")),
        "sort": Option("name", choices=("name", "frequency")),
        "counts": Option(True),
    },
    Kind.PAGES: {"order": Option([], check=_page_ids)},
    Kind.TEXT: {"text": Option("", max_length=TEXT_LIMIT)},
    Kind.HTML: {"html": Option("", max_length=HTML_LIMIT)},
    Kind.IMAGE: {
        "image": Option("", check=_image_src),
        "alt": Option("", max_length=300),
        "caption": Option("", max_length=300),
        "link": Option("", check=_optional_link),
    },
    Kind.LINKS: {"links": Option([], check=_links)},
    Kind.SUBSCRIBE: {"comments": Option(True)},
}


def defaults(kind: str) -> dict[str, Any]:
    return {name: option.default for name, option in OPTIONS.get(kind, {}).items()}


def clean_config(kind: str, config: Any) -> dict[str, Any]:
    """The kind's options from `config`, each checked, missing ones at their defaults.

    ValidationError (keyed by option) for a value the kind cannot show; unknown keys are
    dropped, so a stored layout never carries more than its gadget reads.
    """
    if not isinstance(config, dict):
        raise ValidationError("A gadget's options are a JSON object.")
    errors: dict[str, list[str]] = {}
    cleaned = defaults(kind)
    for name, option in OPTIONS.get(kind, {}).items():
        if name in config:
            try:
                cleaned[name] = _clean_value(option, config[name])
            except ValidationError as error:
                errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(option: Option, value: Any) -> Any:
    if option.check is not None:
        return option.check(value)
    if option.choices:
        if value not in option.choices or type(value) is not type(option.default):
            raise ValidationError(f"Choose one of {', '.join(map(str, option.choices))}.")
        return value
    if type(value) is not type(option.default):
        raise ValidationError(f"Expected a {type(option.default).__name__}.")
    number = isinstance(value, int) and not isinstance(value, bool)
    if number and not option.low <= value <= option.high:
        raise ValidationError(f"Choose a number from {option.low} to {option.high}.")
    if isinstance(value, str) and len(value) > option.max_length:
        raise ValidationError(f"At most {option.max_length:,} characters.")
    return value


def _validate_config(gadget: Gadget) -> None:
    gadget.config = clean_config(gadget.kind, gadget.config)


class Gadget(models.Model):
    """One gadget placed in one area of a blog's layout."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="gadgets")
    area = models.CharField(max_length=16, choices=Area.choices)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=100, blank=True)
    config = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "blogs"
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["blog", "area", "position"], name="gadget_blog_area")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.area}"

    def clean(self) -> None:
        _validate_config(self)

    @property
    def heading(self) -> str:
        return self.title or DEFAULT_TITLES.get(Kind(self.kind), self.get_kind_display())

    @property
    def options(self) -> dict[str, Any]:
        """The stored options over the kind's defaults: a row from before an option existed
        shows as the default would."""
        return {**defaults(self.kind), **(self.config if isinstance(self.config, dict) else {})}

    @property
    def removable(self) -> bool:
        return self.kind not in FIXED


# What every blog showed before its layout could be changed, in this order.
DEFAULT_LAYOUT: list[tuple[str, str]] = [
    (Area.HEADER, Kind.HEADER),
    (Area.SIDEBAR, Kind.FEATURED),
    (Area.SIDEBAR, Kind.SEARCH),
    (Area.SIDEBAR, Kind.POPULAR),
    (Area.SIDEBAR, Kind.ABOUT),
    (Area.SIDEBAR, Kind.PROFILE),
    (Area.SIDEBAR, Kind.PAGES),
    (Area.SIDEBAR, Kind.ARCHIVE),
    (Area.SIDEBAR, Kind.LABELS),
    (Area.SIDEBAR, Kind.FOLLOW),
    (Area.FOOTER, Kind.ATTRIBUTION),
]


def default_gadgets(blog: Blog) -> list[Gadget]:
    """The default layout as unsaved rows."""
    return [
        Gadget(blog=blog, area=area, position=index, kind=kind, config=defaults(kind))
        for index, (area, kind) in enumerate(DEFAULT_LAYOUT)
    ]


def gadgets_of(blog: Blog) -> list[Gadget]:
    """The blog's layout, every area, in order (one query); the default if none is stored."""
    stored = list(Gadget.objects.filter(blog=blog).order_by("position", "pk"))
    return stored or default_gadgets(blog)


def in_area(gadgets: list[Gadget], area: str) -> list[Gadget]:
    return [gadget for gadget in gadgets if gadget.area == area]


def install_default(blog: Blog) -> None:
    """Give a new blog the default layout as rows."""
    Gadget.objects.bulk_create(default_gadgets(blog))
