"""Charts as server-rendered SVG: no script, readable by a screen reader (`role="img"` with a
`<title>`), and always shown beside a table of the same numbers (studio/stats.html)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Row = tuple[str, int]
WIDTH, HEIGHT, GUTTER = 640, 200, 24
BAR_HEIGHT, LABEL_WIDTH = 22, 220


def columns(title: str, rows: list[Row]) -> SafeString:
    """Vertical bars over time (oldest left), with the first, middle and last labels."""
    top = max((n for _, n in rows), default=0) or 1
    step = WIDTH / max(len(rows), 1)
    plot = HEIGHT - GUTTER
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                _n(i * step + 1),
                _n(plot - n / top * plot),
                _n(max(step - 2, 1)),
                _n(n / top * plot),
                label,
                n,
            )
            for i, (label, n) in enumerate(rows)
        ),
    )
    marks = {0, len(rows) // 2, len(rows) - 1} if rows else set()
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}">{}</text>',
        (
            (_n(i * step + step / 2), HEIGHT - 6, _anchor(i, len(rows)), rows[i][0])
            for i in sorted(marks)
        ),
    )
    return _svg(title, WIDTH, HEIGHT, format_html("{}{}{}", _peak(top), bars, labels))


def bars(title: str, rows: list[Row]) -> SafeString:
    """Horizontal bars, most first: a label, a bar, the number."""
    top = max((n for _, n in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    lines = format_html_join(
        "",
        '<text x="0" y="{}">{}</text><rect x="{}" y="{}" width="{}" height="{}"></rect>'
        '<text x="{}" y="{}">{}</text>',
        (
            (
                i * BAR_HEIGHT + 16,
                label[:32],
                LABEL_WIDTH,
                i * BAR_HEIGHT + 4,
                _n(max(n / top * room, 1)),
                BAR_HEIGHT - 6,
                _n(LABEL_WIDTH + max(n / top * room, 1) + 6),
                i * BAR_HEIGHT + 16,
                n,
            )
            for i, (label, n) in enumerate(rows)
        ),
    )
    return _svg(title, WIDTH, max(len(rows), 1) * BAR_HEIGHT + 4, lines)


def _anchor(index: int, count: int) -> str:
    """The first and last labels grow inwards, so the chart's edges do not cut them."""
    return "start" if index == 0 else "end" if index == count - 1 else "middle"


def _n(number: float) -> str:
    """A coordinate to a tenth of a unit: finer is invisible and only lengthens the page."""
    return f"{number:.1f}"


def _peak(top: int) -> SafeString:
    return format_html('<text class="peak" x="{}" y="12" text-anchor="end">{}</text>', WIDTH, top)


def _svg(title: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        body,
    )
