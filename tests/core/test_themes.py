"""Theme folders an operator adds (docs/themes.md): read when sound, refused saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.core import themes

FOLDERS = Path(__file__).parent.parent / "reader" / "theme_folders"


def test_a_sound_folder_is_a_theme() -> None:
    theme = themes.from_folder(FOLDERS / "ledger")
    assert theme.title == "Ledger"
    assert theme.stylesheet == "themes/ledger/ledger.css"
    assert theme.heading_font == "literata"
    assert theme.listing_file == (FOLDERS / "ledger" / "listing.html").resolve()


def test_static_dirs_serve_each_themes_static_folder() -> None:
    assert themes.static_dirs(str(FOLDERS)) == [("themes/ledger", str(FOLDERS / "ledger/static"))]
    assert themes.static_dirs("") == []


def _folder(tmp_path: Path, toml: str, listing: str = "") -> Path:
    folder = tmp_path / "mine"
    (folder / "static").mkdir(parents=True)
    (folder / "static" / "theme.css").write_text("body { margin: 0 }")
    (folder / "theme.toml").write_text(toml)
    if listing:
        (folder / "listing.html").write_text(listing)
    return folder


LIGHT = '[light]\nbg="#ffffff"\nfg="#111111"\nmuted="#555555"\naccent="#8a3b12"\n'
LIGHT += 'rule="#dddddd"\npanel="#f4f4f4"\nmark="#ffee99"\n'
DARK = LIGHT.replace("[light]", "[dark]").replace('bg="#ffffff"', 'bg="#f0f0f0"')


@pytest.mark.parametrize(
    ("toml", "listing", "fault"),
    [
        ("title = 'x'\n" + LIGHT, "", "[dark] is missing"),
        (LIGHT.replace("#555555", "#bbbbbb") + DARK, "", "muted on bg has contrast"),
        (LIGHT.replace("#111111", "black") + DARK, "", "as #rrggbb"),
        ("text_font = 'comic-sans'\n" + LIGHT + DARK, "", "text_font must be one of"),
        ("listing = '../x.html'\n" + LIGHT + DARK, "", "not a file in the theme's folder"),
        ("listing = 'listing.html'\n" + LIGHT + DARK, "{% autoescape off %}x", "autoescaping off"),
        ("title = \n", "", "theme.toml"),
    ],
)
def test_a_broken_folder_is_refused_saying_why(
    tmp_path: Path, toml: str, listing: str, fault: str
) -> None:
    with pytest.raises(themes.ThemeError, match=fault.replace("[", r"\[").replace("]", r"\]")):
        themes.from_folder(_folder(tmp_path, toml, listing))
