"""`/theme.css`: a blog's theme options as CSS custom properties, for the theme's stylesheet.

Every value written here comes from a closed list (fonts, widths, schemes) or was checked as
`#rrggbb` (the palettes, the accent), so nothing a writer types reaches the CSS as it was
typed.
"""

from __future__ import annotations

from dataclasses import fields

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from broadsheet.blogs.access import reader_blog
from broadsheet.blogs.models import Blog
from broadsheet.core.themes import FONTS, Palette, Theme
from broadsheet.reader import themes


def font_faces(names: set[str]) -> list[str]:
    """@font-face rules for the chosen self-hosted fonts (variable weight, roman and italic)."""
    rules = []
    for name in sorted(names):
        font = FONTS[name]
        if not font.file:
            continue
        family = font.stack.split(",")[0]
        for style in ("normal", "italic"):
            try:
                url = static(f"reader/build/fonts/{font.file}-{style}.woff2")
            except ValueError:  # not built (`make assets`): the stack's next font stands in
                continue
            rules.append(
                f'@font-face {{ font-family: {family}; src: url("{url}") format("woff2");'
                f" font-weight: 100 900; font-style: {style}; font-display: swap; }}"
            )
    return rules


def palette_rules(palette: Palette, accent: str) -> str:
    values = {f.name: getattr(palette, f.name) for f in fields(Palette)} | {"accent": accent}
    return " ".join(f"--{name}: {value};" for name, value in values.items())


def root_rules(blog: Blog, theme: Theme) -> list[str]:
    measure, page = themes.WIDTHS.get(blog.theme_width, themes.WIDTHS["medium"])
    text, heading = themes.font(blog, theme, "text"), themes.font(blog, theme, "heading")
    first = theme.dark if blog.theme_scheme == "dark" else theme.light
    rules = [
        f":root {{ color-scheme: {themes.color_scheme(blog)}; --measure: {measure};"
        f" --page: {page}; --text-font: {FONTS[text].stack};"
        f" --heading-font: {FONTS[heading].stack};"
        f" {palette_rules(first, themes.accent(blog, first))} }}"
    ]
    if blog.theme_scheme == "auto":
        dark = palette_rules(theme.dark, themes.accent(blog, theme.dark))
        rules.append(f"@media (prefers-color-scheme: dark) {{ :root {{ {dark} }} }}")
    return rules


def stylesheet(blog: Blog, theme: Theme) -> str:
    """The whole of `/theme.css` for this blog wearing this theme."""
    chosen = {themes.font(blog, theme, "text"), themes.font(blog, theme, "heading")}
    rules = [f"/* {theme.name} */", *font_faces(chosen), *root_rules(blog, theme)]
    return "\n".join(rules) + "\n"


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    """The stylesheet pages link as `/theme.css?v=<hash of the options>`: cached with them."""
    blog = reader_blog(request)
    css = stylesheet(blog, themes.of(blog, request))
    return HttpResponse(css, content_type="text/css; charset=utf-8")
