"""Authors' alignment, floats and sizes survive as theme classes; no CSS ever passes through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from broadsheet.core.markup import HTML, MARKDOWN, render
from broadsheet.core.presentation import CLASSES, classes_for

from .test_markup_corpora import CORPORA

BLOGGER_IMAGE = (
    '<div class="separator" style="clear: both; text-align: center;"><a href="https://blogger.'
    'googleusercontent.com/img/b/x/s1600/cat.jpg" imageanchor="1" style="margin-left: 1em; '
    'margin-right: 1em;"><img border="0" data-original-height="640" height="320" width="240" '
    'src="https://blogger.googleusercontent.com/img/b/x/s320/cat.jpg"></a></div>'
)
CAPTION = (
    '<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
    'style="margin-left: auto; margin-right: auto;"><tbody><tr><td style="text-align: center;">'
    '<img src="https://example.org/a.jpg" style="display: block; width: 400px; height: 300px">'
    '</td></tr><tr><td class="tr-caption" style="text-align: center;">Our cat</td></tr>'
    "</tbody></table>"
)


def test_bloggers_image_wrapper_keeps_its_centring_and_size() -> None:
    out = render(BLOGGER_IMAGE, HTML)
    assert '<div class="separator clear-both align-center">' in out
    assert 'height="320"' in out and 'width="240"' in out
    assert "style" not in out and "imageanchor" not in out


def test_caption_table_is_centred_and_image_sizes_become_attributes() -> None:
    out = render(CAPTION, HTML)
    assert 'class="tr-caption-container center-block"' in out
    assert '<td class="tr-caption align-center">Our cat</td>' in out
    assert 'class="display-block" width="400" height="300"' in out


@pytest.mark.parametrize(
    ("tag", "style", "align", "expected"),
    [
        ("p", "text-align: justify", "", ["align-justify"]),
        ("img", "float: left; margin-right: 1em", "", ["float-left"]),
        ("img", "FLOAT:RIGHT !important", "", ["float-right"]),
        ("img", "", "left", ["float-left"]),
        ("p", "", "center", ["align-center"]),
        ("div", "clear: both", "", ["clear-both"]),
        ("img", "display: block; margin: 0 auto", "", ["display-block", "center-block"]),
        ("img", "display: inline-block", "", ["display-inline-block"]),
        ("div", "width: 48%", "", ["width-50"]),
        ("p", "float: none", "", []),
    ],
)
def test_allowed_properties_map_to_classes(
    tag: str, style: str, align: str, expected: list[str]
) -> None:
    assert classes_for(tag, style, align) == expected


@pytest.mark.parametrize(
    "style",
    [
        "background: url(javascript:alert(1))",
        "width: expression(alert(1))",
        "float: left/**/; position: fixed",
        "text-align: c\\65 nter",
        "position: absolute; top: 0; left: 0; z-index: 99; opacity: 0",
        "float: url(https://evil.example/x)",
        "behavior: url(x.htc); -moz-binding: url(x.xml#xss)",
        "display: none",
    ],
)
def test_hostile_or_unlisted_css_maps_to_nothing(style: str) -> None:
    assert classes_for("div", style) == []
    assert render(f'<div style="{style}">x</div>', HTML) == "<div>x</div>"


def test_styled_markdown_html_is_kept_the_same_way() -> None:
    out = render('<p style="text-align:center">Centred</p>', MARKDOWN)
    assert out.strip() == '<p class="align-center">Centred</p>'


def _styled_payloads() -> list[str]:
    found: list[str] = []
    for folder in ("xss", "sanitizer", "html5sec"):
        for path in sorted((CORPORA / folder).rglob("*")):
            if path.is_file() and path.suffix in {".txt", ".json", ""}:
                text = path.read_text(encoding="utf-8", errors="replace")
                found += [line for line in text.splitlines() if "style" in line.lower()]
    return found


def test_no_corpus_css_survives_and_only_theme_classes_are_written() -> None:
    payloads = _styled_payloads()
    assert len(payloads) > 50, "the corpora hold style payloads"
    for payload in payloads:
        for fmt in (HTML, MARKDOWN):
            out = render(payload, fmt)
            assert not re.search(r"<[^>]+\sstyle=", out), payload
            written = {c for m in re.findall(r'class="([^"]*)"', out) for c in m.split()}
            assert written - _author_classes(payload) <= CLASSES | _ours(), payload


def _author_classes(payload: str) -> set[str]:
    # Authors may write class names of their own; only the ones we add are checked.
    return {word for word in re.split(r"[^\w-]+", payload) if word}


def _ours() -> set[str]:
    # Classes the pipeline itself writes besides presentation: embeds and footnotes.
    return {"embed-unknown", "footnote-ref", "footnotes", "footnote-item", "footnote-backref"}


def test_corpora_folder_is_real() -> None:
    assert Path(CORPORA / "xss").is_dir()
