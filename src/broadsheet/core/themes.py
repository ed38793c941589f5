"""What a theme is, the fonts themes may use, and the themes an operator adds from a folder.

A theme is a stylesheet, two palettes (light and dark), default fonts and, optionally, its own
template for lists of posts. The built-in themes are defined by the reader; an operator adds
more as folders under `BROADSHEET_THEMES_DIR` (the contract is docs/themes.md). Folders are
operator-trusted but are read here with care: a broken one is refused with a message naming
the file and the fault, at start-up (a system check), never with a 500 on a reader's page.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from broadsheet.core import colours

SERIF = 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif'
SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


@dataclass(frozen=True)
class Font:
    label: str
    stack: str
    # The woff2 files `make assets` copies from npm's @fontsource-variable packages into
    # reader/static/reader/build/fonts/ ("" for the system's own fonts).
    file: str = ""


# The shortlist a writer picks from: self-hosted (CSP: font-src 'self'), latin, variable
# weight, each with its italic, chosen for long reading and for headings.
FONTS: dict[str, Font] = {
    "system-serif": Font("System serif (Charter, Georgia)", SERIF),
    "system-sans": Font("System sans-serif", SANS),
    "literata": Font("Literata", f'"Literata", {SERIF}', "literata"),
    "source-serif-4": Font("Source Serif 4", f'"Source Serif 4", {SERIF}', "source-serif-4"),
    "fraunces": Font("Fraunces", f'"Fraunces", {SERIF}', "fraunces"),
    "inter": Font("Inter", f'"Inter", {SANS}', "inter"),
    "atkinson-hyperlegible-next": Font(
        "Atkinson Hyperlegible Next",
        f'"Atkinson Hyperlegible Next", {SANS}',
        "atkinson-hyperlegible-next",
    ),
}


@dataclass(frozen=True)
class Palette:
    """The colours every theme's stylesheet reads as custom properties (`--bg`, `--fg`...)."""

    bg: str
    fg: str
    muted: str
    accent: str
    rule: str
    panel: str
    mark: str


@dataclass(frozen=True)
class Theme:
    name: str
    title: str
    description: str
    stylesheet: str  # a static file's path
    light: Palette
    dark: Palette
    text_font: str = "system-serif"
    heading_font: str = "system-serif"
    listing: str = ""  # a template name; "" for the reader's own list of posts
    listing_file: Path | None = None  # an operator theme's own list template


class ThemeError(ValueError):
    """A theme folder that cannot be used, and why."""


NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# Text drawn in these pairs must stay readable (WCAG AA) in every theme, the operator's too.
READABLE = (("fg", "bg"), ("muted", "bg"), ("accent", "bg"), ("fg", "panel"))


def check_palette(palette: Palette, where: str) -> None:
    """ThemeError unless every text colour reaches WCAG AA on the backgrounds it is drawn on."""
    for text, ground in READABLE:
        ratio = colours.contrast(getattr(palette, text), getattr(palette, ground))
        if ratio < colours.AA_TEXT:
            raise ThemeError(f"{where}: {text} on {ground} has contrast {ratio:.2f}, below 4.5.")


def _palette(raw: object, where: str) -> Palette:
    if not isinstance(raw, dict):
        raise ThemeError(f"{where} is missing (a table of colours).")
    names = [f.name for f in fields(Palette)]
    try:
        values = {name: str(raw[name]).lower() for name in names}
        for value in values.values():
            colours.parse_hex(value)
    except (KeyError, ValueError) as error:
        raise ThemeError(f"{where}: give {', '.join(names)} as #rrggbb ({error}).") from None
    palette = Palette(**values)
    check_palette(palette, where)
    return palette


def _font(meta: dict[str, object], key: str, where: str) -> str:
    value = str(meta.get(key, "system-serif"))
    if value not in FONTS:
        raise ThemeError(f"{where}: {key} must be one of {', '.join(FONTS)}.")
    return value


def _listing(folder: Path, meta: dict[str, object], where: str) -> Path | None:
    name = meta.get("listing")
    if not name:
        return None
    path = (folder / str(name)).resolve()
    if path.parent != folder.resolve() or not path.is_file():
        raise ThemeError(f"{where}: listing {name!r} is not a file in the theme's folder.")
    # The one promise a theme's template must keep: what writers typed stays escaped.
    if re.search(r"{%\s*autoescape\s+off", path.read_text(encoding="utf-8")):
        raise ThemeError(f"{where}: {name} turns autoescaping off, which themes may not do.")
    return path


def from_folder(folder: Path) -> Theme:
    """The theme a folder describes in its theme.toml; ThemeError saying what is wrong."""
    where = f"{folder / 'theme.toml'}"
    if not NAME.match(folder.name):
        raise ThemeError(f"{folder}: a theme folder's name is lower-case letters, digits, -.")
    try:
        meta = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThemeError(f"{where}: {error}") from None
    stylesheet = str(meta.get("stylesheet", "theme.css"))
    if ".." in stylesheet or not (folder / "static" / stylesheet).is_file():
        raise ThemeError(f"{where}: static/{stylesheet} is not in the theme's folder.")
    return Theme(
        name=folder.name,
        title=str(meta.get("title", folder.name))[:60],
        description=str(meta.get("description", ""))[:300],
        stylesheet=f"themes/{folder.name}/{stylesheet}",
        light=_palette(meta.get("light"), f"{where} [light]"),
        dark=_palette(meta.get("dark"), f"{where} [dark]"),
        text_font=_font(meta, "text_font", where),
        heading_font=_font(meta, "heading_font", where),
        listing_file=_listing(folder, meta, where),
    )


def folders(root: str) -> list[Path]:
    """The theme folders under `root` (those holding a theme.toml), by name."""
    if not root or not Path(root).is_dir():
        return []
    return sorted(p for p in Path(root).iterdir() if (p / "theme.toml").is_file())


def static_dirs(root: str) -> list[tuple[str, str]]:
    """STATICFILES_DIRS entries serving each theme's `static/` at /static/themes/<name>/."""
    return [
        (f"themes/{p.name}", str(p / "static")) for p in folders(root) if (p / "static").is_dir()
    ]
