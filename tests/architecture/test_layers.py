"""The layer order of ARCHITECTURE.md holds, and a wrong import fails `make lint`.

`make lint` runs import-linter with the contract in pyproject.toml. These tests prove the
contract bites (a deliberately wrong import in a copy of the package fails it) and check what
import-linter does not: that the app-level graph, function-level imports included, has no
cycle.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "broadsheet"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=source_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_package_keeps_its_layers() -> None:
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "wrong_import"),
    [
        ("core/markup.py", "from broadsheet.blogs.models import Blog"),
        ("blogs/models.py", "from broadsheet.posts import models as _posts"),
        ("reader/views.py", "from broadsheet.studio import access as _studio"),
    ],
)
def test_a_wrong_import_fails_the_check(tmp_path: Path, module: str, wrong_import: str) -> None:
    """Even hidden in a function, where a cycle would not show at import time."""
    shutil.copytree(PACKAGE, tmp_path / "broadsheet", ignore=shutil.ignore_patterns("*.pyc"))
    target = tmp_path / "broadsheet" / module
    target.write_text(target.read_text() + f"\n\ndef _sneak() -> None:\n    {wrong_import}\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def app_graph() -> dict[str, set[str]]:
    """Which app imports which, from every import statement in src/broadsheet."""
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        source = parts[0] if len(parts) > 1 and parts[0] in apps else None
        if source is None or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            for name in imported(node, parts):
                target = name.split(".")[1] if name.startswith("broadsheet.") else ""
                if target in apps and target != source:
                    graph[source].add(target)
    return graph


def imported(node: ast.AST, parts: tuple[str, ...]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = ["broadsheet", *parts[:-1]][: len(parts) - node.level + 1]
            return [".".join([*base, *([node.module] if node.module else [])])]
        return [node.module or ""]
    return []


def test_the_app_graph_has_no_cycle() -> None:
    graph = app_graph()
    done: set[str] = set()

    def visit(app: str, path: tuple[str, ...]) -> None:
        assert app not in path, "import cycle: " + " -> ".join((*path, app))
        if app in done:
            return
        for target in sorted(graph.get(app, ())):
            visit(target, (*path, app))
        done.add(app)

    for app in sorted(graph):
        visit(app, ())
    assert graph["core"] == set()  # the library imports no app
