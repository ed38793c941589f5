"""How long `markup.render` takes on the worst shapes a writer can send (issue 12).

For each shape (deep nesting of every block kind, very wide documents, long runs of one
special character, many attributes, links, footnotes...) at each size (1 KB to 1 MB), it times
`broadsheet.core.markup.render` and compares it with a flat document of the same size and
format rendered in the same run: paragraphs of ordinary prose. Each figure is the median of
--repeat runs (fewer at 1 MB, see --big-repeat). The goal: every shape within 3x the flat
document, up to 1 MB, so that no preview or post can stall a worker for long.

    .venv/bin/python bench/render_shapes.py                     # the full run
    .venv/bin/python bench/render_shapes.py --sizes 1000,10000  # a quick look
    .venv/bin/python bench/render_shapes.py --shapes "nested <div>;run of &"  # some shapes
    .venv/bin/python bench/render_shapes.py --split    # and the libraries' share of each

With --split, each render also times, inside it, the two libraries it calls: cmark-gfm's
Markdown parse and nh3's clean (html5ever's parse, ammonia's walk and serialisation, and our
attribute filter where ammonia calls it back). What is left is ours. When the libraries alone
take more than 3x the flat document, no change of ours can bring that shape within the goal.

The report is printed and written to bench/var/render-shapes-<time>.md (and .json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from broadsheet.core import markdown_rules, markup  # noqa: E402

VAR = HERE / "var"
PROSE = (
    "The rhubarb came up early this year, forced under an old bucket by the shed. "
    "We picked the first stalks on a cold morning and stewed them with a little ginger.\n\n"
)
Make = Callable[[int], str]


def repeat(unit: str, close: str = "") -> Make:
    """`unit` repeated to fill `size` bytes, then `close` repeated as often (if any)."""

    def make(size: int) -> str:
        count = max(1, size // (len(unit) + len(close)))
        return unit * count + close * count

    return make


def indented(marker: str, step: int) -> Make:
    """A Markdown list nested as deep as `size` allows, one line per level."""

    def make(size: int) -> str:
        lines, used, level = [], 0, 0
        while used < size:
            line = " " * (step * level) + f"{marker} w{level}\n"
            lines.append(line)
            used += len(line)
            level += 1
        return "".join(lines)

    return make


def quotes_per_line(size: int) -> str:
    lines, used, level = [], 0, 1
    while used < size:
        line = ">" * level + f" w{level}\n"
        lines.append(line)
        used += len(line)
        level += 1
    return "".join(lines)


def footnotes(size: int) -> str:
    count = max(1, size // 40)
    refs = "".join(f"Claim {index}[^{index}]. " for index in range(count // 2))
    notes = "".join(f"[^{index}]: Source {index}.\n" for index in range(count // 2))
    return refs + "\n\n" + notes


def backticks(size: int) -> str:
    return "".join("`" * count + "a" for count in range(1, int((2 * size) ** 0.5)))


def wide_table(size: int) -> str:
    return "|" + "a|" * (size // 4) + "\n|" + "-|" * (size // 4) + "\n"


def attributes(size: int) -> str:
    return "<p " + " ".join(f"data-a{index}=x" for index in range(size // 12)) + ">text</p>"


def attribute_ampersands(size: int) -> str:
    return '<p title="' + "&" * size + '">text</p>'


def distinct(pattern: str, unit: int) -> Make:
    """`pattern` filled with 0, 1, 2... as often as `size` bytes hold `unit`-byte copies."""

    def make(size: int) -> str:
        return "".join(pattern.format(n=index) for index in range(max(1, size // unit)))

    return make


YOUTUBE_IFRAME = '<iframe src="https://youtu.be/dQw4w9WgXcQ"></iframe>'
MD, HTML = markup.MARKDOWN, markup.HTML
BOTH = (MD, HTML)
# name -> (maker, formats it is sent in)
SHAPES: dict[str, tuple[Make, tuple[str, ...]]] = {
    "nested <div>": (repeat("<div>", "</div>"), BOTH),
    "nested <div>, unclosed": (repeat("<div>"), BOTH),
    "nested <blockquote>": (repeat("<blockquote>"), BOTH),
    "nested <ul><li>": (repeat("<ul><li>"), BOTH),
    "nested <dl><dd>": (repeat("<dl><dd>"), (HTML,)),
    "nested <table><td>": (repeat("<table><tr><td>"), (HTML,)),
    "nested <span>": (repeat("<span>"), (HTML,)),
    "<span><div></span> misnested": (repeat("<span><div></span>"), (HTML,)),
    # Formatting elements a paragraph closes, which the parser reopens in the next one.
    "<p><b> unclosed, reopened": (repeat("<p><b>x</p>"), (HTML,)),
    "<p><b class> unclosed, each different": (distinct('<p><b class="c{n}">x</p>', 24), (HTML,)),
    "<li><em class> unclosed in a list, each different": (
        lambda size: "<ul>" + distinct('<li><em class="c{n}">x', 24)(size - 4), (HTML,)
    ),
    "<b class> left open in Markdown, each different": (
        distinct('<b class="c{n}">x\n\n', 24), (MD,)
    ),
    "Markdown > quotes, one line": (repeat(">"), (MD,)),
    "Markdown > quotes, a line each": (quotes_per_line, (MD,)),
    "Markdown nested bullet list": (indented("-", 2), (MD,)),
    "Markdown nested ordered list": (indented("1.", 3), (MD,)),
    "Markdown - - - list, one line": (repeat("- "), (MD,)),
    "wide: <p>x</p> siblings": (repeat("<p>x</p>"), (HTML,)),
    "wide Markdown (a line each)": (repeat("x\n\n"), (MD,)),
    "no whitespace": (repeat("a"), BOTH),
    "run of *": (repeat("*"), BOTH),
    "*a run": (repeat("*a"), (MD,)),
    "_a run": (repeat("_a"), (MD,)),
    "run of [": (repeat("["), BOTH),
    "[a run": (repeat("[a"), (MD,)),
    "run of [ then ]": (lambda size: "[" * (size - 1) + "]", (MD,)),
    "[a]( run": (repeat("[a]("), (MD,)),
    "run of <": (repeat("<"), BOTH),
    "run of &": (repeat("&"), BOTH),
    "run of &amp;": (repeat("&amp;"), (HTML,)),
    "run of `": (repeat("`"), (MD,)),
    "backtick runs 1..n": (backticks, (MD,)),
    "run of | (table pipes)": (repeat("|"), (MD,)),
    "table, many rows": (lambda size: "|a|b|\n|-|-|\n" + "|x|y|\n" * (size // 6), (MD,)),
    "table, many columns": (wide_table, (MD,)),
    "many attributes": (attributes, (HTML,)),
    "attribute of &": (attribute_ampersands, (HTML,)),
    "many bare links": (repeat("https://example.org/a "), (MD,)),
    "many www links": (repeat("www.example.org "), (MD,)),
    "many footnotes": (footnotes, (MD,)),
    "run of <!--": (repeat("<!--"), (HTML,)),
    # Elements left out with all they hold (svg, math...): each read ahead to its end tag.
    "<svg> never closed": (repeat("<svg>"), BOTH),
    "<noscript> never closed": (repeat("<noscript>"), (HTML,)),
    # Past the depth limit, a unit repeated that the one-step run turns down.
    "<math><mi> past the limit": (repeat("<math><mi>"), (HTML,)),
    "<b></i> past the limit": (lambda size: "<div>" * 120 + repeat("<b></i>")(size - 600), (HTML,)),
    # Issue 13's rewrites before the sanitiser: tags that never close, embeds, styles.
    '<iframe " unclosed run': (repeat('<iframe "'), (HTML,)),
    "<object> never closed": (repeat("<object data=x>"), (HTML,)),
    '<p style="x unclosed run': (repeat('<p style="x '), (HTML,)),
    "many YouTube iframes": (repeat(YOUTUBE_IFRAME), (HTML,)),
    "many video lines": (repeat("https://youtu.be/dQw4w9WgXcQ\n\n"), (MD,)),
    "many styled paragraphs": (repeat('<p style="text-align:center;float:left">x</p>'), (HTML,)),
    # The same, each one different: what a cache of recognised embeds and styles cannot help.
    "many distinct video lines": (distinct("https://youtu.be/{n:011d}\n\n", 30), (MD,)),
    "many distinct styled paragraphs": (
        distinct('<p style="text-align:center;margin-left:{n}px">x</p>', 52), (HTML,)
    ),
}  # fmt: skip


def flat(fmt: str, size: int) -> str:
    text = (PROSE * (size // len(PROSE) + 1))[:size]
    if fmt == HTML:
        paragraphs = [part for part in text.split("\n\n") if part]
        return "".join(f"<p>{part}</p>\n" for part in paragraphs)[:size]
    return text


# Wall-clock time by default; --clock cpu counts only this process's CPU time, which a
# machine shared with other runs inflates far less (rendering does no I/O).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


class Libraries:
    """Time spent inside cmark-gfm and nh3 while it is installed (`--split`)."""

    spent = 0.0

    @classmethod
    def timing(cls, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return call(*args, **kwargs)
            finally:
                cls.spent += clock() - started

        return timed_call

    @classmethod
    def install(cls) -> None:
        cmark = markdown_rules.cmarkgfm
        cmark.markdown_to_html_with_extensions = cls.timing(cmark.markdown_to_html_with_extensions)
        cleaner = markup._cleaner

        def timed_cleaner(*args: Any, **kwargs: Any) -> Any:
            return _TimedCleaner(cleaner(*args, **kwargs))

        markup._cleaner = timed_cleaner  # type: ignore[assignment]


class _TimedCleaner:
    def __init__(self, cleaner: Any) -> None:
        self.clean = Libraries.timing(cleaner.clean)


def timed(source: str, fmt: str, rounds: int) -> tuple[float, float]:
    """Median milliseconds of `rounds` renders, after one to warm caches, and of the time
    spent in the libraries in those renders (0 unless `Libraries` is installed)."""
    markup.render(source[:1000], fmt)
    times, inside = [], []
    for _ in range(rounds):
        Libraries.spent = 0.0
        started = clock()
        markup.render(source, fmt)
        times.append((clock() - started) * 1000)
        inside.append(Libraries.spent * 1000)
    return statistics.median(times), statistics.median(inside)


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    wanted = [name.strip() for name in args.shapes.split(";")] if args.shapes else list(SHAPES)
    for size in args.sizes:
        rounds = args.repeat if size < 1_000_000 else args.big_repeat
        baseline = {fmt: timed(flat(fmt, size), fmt, rounds)[0] for fmt in BOTH}
        for name in wanted:
            make, formats = SHAPES[name]
            source = make(size)
            for fmt in formats:
                ms, libraries = timed(source, fmt, rounds)
                row = {"shape": name, "format": fmt, "size": size, "bytes": len(source)}
                row |= {"ms": ms, "flat_ms": baseline[fmt], "ratio": ms / baseline[fmt]}
                if args.split:
                    row |= {"libraries_ms": libraries, "libraries_ratio": libraries / baseline[fmt]}
                rows.append(row)
                split = f", libraries {libraries:.1f} ms" if args.split else ""
                print(
                    f"  {size:>8} {fmt:8} {name}: {ms:.1f} ms ({row['ratio']:.2f}x){split}",
                    file=sys.stderr,
                )
    return rows


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "load before": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "python": platform.python_version(),
        "clock": clock.__name__,
    }


def report(rows: list[dict[str, Any]], facts: dict[str, str], args: argparse.Namespace) -> str:
    """One row per shape and format: ms, ms/KB and the ratio to flat at each size."""
    sizes = sorted({row["size"] for row in rows})
    lines = [f"Command: `{args.command}`", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines += ["", f"Median of {args.repeat} ({args.big_repeat} at 1 MB); each cell: ms, ms/KB,"]
    lines += ["**ratio to the flat document** (bold past 3x)."]
    if any("libraries_ms" in row for row in rows):
        lines += ["Then, after /: the time inside cmark-gfm and nh3 in those renders, and its"]
        lines += ["ratio to the whole flat render; past 3x, the libraries alone miss the goal."]
    lines += [""]
    lines += ["| shape | format | " + " | ".join(f"{size:,} B" for size in sizes) + " |"]
    lines += ["| --- | --- |" + " ---: |" * len(sizes)]
    flat_cells = {(row["format"], row["size"]): row["flat_ms"] for row in rows}
    for fmt in BOTH:
        cells = [flat_cells.get((fmt, size)) for size in sizes]
        shown = [
            f"{ms:.1f}, {ms / (size / 1000):.3f}" if ms else ""
            for ms, size in zip(cells, sizes, strict=True)
        ]
        lines.append(f"| *flat prose* | {fmt} | " + " | ".join(shown) + " |")
    by_shape: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for row in rows:
        by_shape.setdefault((row["shape"], row["format"]), {})[row["size"]] = row
    for (shape, fmt), cells_by_size in by_shape.items():
        shown = [_cell(cells_by_size.get(size)) for size in sizes]
        name = shape.replace("|", "\\|")  # a table cell may not hold a bare "|"
        lines.append(f"| `{name}` | {fmt} | " + " | ".join(shown) + " |")
    worst = max(rows, key=lambda row: row["ratio"])
    lines += [
        "",
        f"Worst: {worst['shape']} ({worst['format']}, {worst['size']:,} B),"
        f" {worst['ratio']:.2f}x flat.",
    ]
    return "\n".join(lines) + "\n"


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    ratio = f"{row['ratio']:.1f}x"
    ratio = f"**{ratio}**" if row["ratio"] > 3 else ratio
    cell = f"{row['ms']:.1f}, {row['ms'] / (row['size'] / 1000):.3f}, {ratio}"
    if "libraries_ms" in row:
        inside = f"{row['libraries_ratio']:.1f}x"
        inside = f"**{inside}**" if row["libraries_ratio"] > 3 else inside
        cell += f" / {row['libraries_ms']:.1f}, {inside}"
    return cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-repeat", type=int, default=3, help="runs at 1 MB and more")
    parser.add_argument("--report", type=Path, help="print the table of a saved run (.json)")
    parser.add_argument("--shapes", default="", help='shape names, separated by ";"')
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    parser.add_argument("--split", action="store_true", help="time the libraries' share too")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.command = " ".join(["python", *sys.argv])
    if args.report:
        saved = json.loads(args.report.read_text())
        args.command = saved["machine"].pop("command", args.command)
        print(report(saved["rows"], saved["machine"], args))
        return
    if args.split:
        Libraries.install()
    facts = machine()
    rows = measure(args)
    facts["load after"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    text = report(rows, facts, args)
    facts["command"] = args.command
    print(text)
    VAR.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    (VAR / f"render-shapes-{stamp}.md").write_text(text)
    (VAR / f"render-shapes-{stamp}.json").write_text(
        json.dumps({"machine": facts, "rows": rows}, indent=1)
    )


if __name__ == "__main__":
    main()
