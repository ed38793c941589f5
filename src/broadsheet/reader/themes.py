"""The themes a blog can wear, and what a page needs to wear one (docs/themes.md).

Three built in: Column (a quiet text column), Magazine (an index of cards with each post's first
image) and Gallery (images first and large). An operator adds more as folders
(`BROADSHEET_THEMES_DIR`, read by `core.themes`). A blog's own choices (accent colour, fonts,
width, light/dark/auto) become a small stylesheet of custom properties, `/theme.css`: the
Content-Security-Policy allows no inline style, and the choices are few enough that a page
cached whole names the stylesheet by a hash of them.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import engines
from django.templatetags.static import static

from broadsheet.blogs.models import Blog
from broadsheet.core import colours
from broadsheet.core.themes import FONTS, Palette, Theme, ThemeError, folders, from_folder

COLUMN = Theme(
    name="column",
    title="Column",
    description="A quiet column of text: the words first, nothing in their way.",
    stylesheet="reader/themes/column.css",
    light=Palette("#fdfcf9", "#1f1d1a", "#5c574f", "#8a3b12", "#ddd6ca", "#f4f0e8", "#ffe9a8"),
    dark=Palette("#181715", "#ece8e1", "#b3ab9e", "#f0a46c", "#3a3631", "#22201d", "#5a4a12"),
)
MAGAZINE = Theme(
    name="magazine",
    title="Magazine",
    description="A front page of cards, each post with its first image, in a grid.",
    stylesheet="reader/themes/magazine.css",
    light=Palette("#ffffff", "#14171a", "#4d5560", "#b0221b", "#d9dde3", "#f1f3f6", "#fff0a0"),
    dark=Palette("#121417", "#eef1f4", "#a9b1bb", "#ff8f85", "#2c3139", "#1c2026", "#5a4a12"),
    text_font="source-serif-4",
    heading_font="fraunces",
    listing="reader/themes/magazine_listing.html",
)
GALLERY = Theme(
    name="gallery",
    title="Gallery",
    description="Photographs first: large images, a caption of a title, the words after.",
    stylesheet="reader/themes/gallery.css",
    light=Palette("#f5f5f2", "#161616", "#545454", "#0b5a86", "#d6d6d0", "#e8e8e3", "#ffe9a8"),
    dark=Palette("#0d0d0d", "#f0f0f0", "#b4b4b4", "#7cc4f0", "#2a2a2a", "#1b1b1b", "#5a4a12"),
    text_font="inter",
    heading_font="inter",
    listing="reader/themes/gallery_listing.html",
)
BUILT_IN = (COLUMN, MAGAZINE, GALLERY)

# Content width: the text column (`--measure`) and the page around it (`--page`).
WIDTHS = {"narrow": ("36rem", "60rem"), "medium": ("42rem", "72rem"), "wide": ("50rem", "84rem")}


@functools.cache
def _operator_themes(root: str) -> tuple[Theme, ...]:
    found = []
    for folder in folders(root):
        try:
            found.append(from_folder(folder))
        except ThemeError:
            continue  # the system check (reader.checks) names it; readers see the others
    return tuple(t for t in found if t.name not in {b.name for b in BUILT_IN})


def available() -> list[Theme]:
    """The built-in themes, then the operator's, each name once."""
    return [*BUILT_IN, *_operator_themes(settings.THEMES_DIR)]


def named(name: str) -> Theme | None:
    return next((theme for theme in available() if theme.name == name), None)


def previewed(request: HttpRequest | None) -> Theme | None:
    """The theme `?theme=` asks to try on (the studio's Preview links), if it is one."""
    asked = request.GET.get("theme", "") if request is not None else ""
    return named(asked) if asked else None


def of(blog: Blog, request: HttpRequest | None = None) -> Theme:
    """The theme a page of this blog wears: the one previewed, else the blog's, else Column
    (a theme folder removed from the server leaves its blogs readable)."""
    return previewed(request) or named(blog.theme) or COLUMN


def accent(blog: Blog, palette: Palette) -> str:
    """The blog's accent, made readable on this palette's background, or the theme's own."""
    if not blog.theme_accent:
        return palette.accent
    return colours.readable_on(blog.theme_accent, palette.bg)


def font(blog: Blog, theme: Theme, role: str) -> str:
    chosen = getattr(blog, f"theme_{role}_font") or getattr(theme, f"{role}_font")
    return chosen if chosen in FONTS else getattr(theme, f"{role}_font")


def version(blog: Blog, theme: Theme) -> str:
    """A short hash of everything `/theme.css` is made from, for its address in pages."""
    parts = [theme.name, blog.theme_accent, font(blog, theme, "text"), font(blog, theme, "heading")]
    parts += [blog.theme_width, blog.theme_scheme]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def color_scheme(blog: Blog) -> str:
    """The `color-scheme` the page declares, so form controls and scrollbars match."""
    return {"light": "light", "dark": "dark"}.get(blog.theme_scheme, "light dark")


def favicon(blog: Blog) -> tuple[str, str]:
    """The icon's address and type: the blog's own, or Broadsheet's."""
    if blog.favicon:
        kind = mimetypes.guess_type(blog.favicon)[0] or "image/png"
        return blog.favicon_url, kind
    return static("reader/favicon.svg"), "image/svg+xml"


def listing_template(theme: Theme) -> Any:
    """The template that lists posts in this theme: a name, or an operator's own, compiled."""
    if theme.listing_file is not None:
        stamp = theme.listing_file.stat().st_mtime_ns
        return _compiled(str(theme.listing_file), stamp)
    return theme.listing or "reader/listing.html"


@functools.lru_cache(maxsize=32)
def _compiled(path: str, stamp: int) -> Any:
    # Compiled once per file version, with the project's engine: autoescaping on, the
    # reader's tags and templates (`{% extends "reader/base.html" %}`) at hand.
    return engines["django"].from_string(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Look:
    """What base.html prints for a page's theme: classes, stylesheets, the icon."""

    theme: Theme
    classes: str
    stylesheet: str
    options: str
    color_scheme: str
    favicon: str
    favicon_type: str
    previewing: bool


def look(blog: Blog, request: HttpRequest | None) -> Look:
    theme, tried = of(blog, request), previewed(request)
    options = f"/theme.css?v={version(blog, theme)}"
    if tried is not None:
        options += f"&theme={tried.name}"
    icon, icon_type = favicon(blog)
    classes = f"theme-{theme.name} width-{blog.theme_width} scheme-{blog.theme_scheme}"
    return Look(
        theme=theme,
        classes=classes,
        stylesheet=_stylesheet(theme),
        options=options,
        color_scheme=color_scheme(blog),
        favicon=icon,
        favicon_type=icon_type,
        previewing=tried is not None,
    )


def _stylesheet(theme: Theme) -> str:
    try:
        return static(theme.stylesheet)
    except ValueError:  # an operator's theme added without `broadsheet setup` collecting it
        return static(COLUMN.stylesheet)
