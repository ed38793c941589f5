"""axe-core over every public page of the demo: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from broadsheet.demo.loader import load_demo
from tests.demo_pages import demo_paths
from tests.tools.axe import format_violations, run_axe, serious
from tests.tools.fixtures import both_viewports


@pytest.fixture
def paths(transactional_db: Any) -> list[str]:
    return demo_paths(load_demo())


def test_every_demo_page_passes_axe(axe_page: Page, live_server: Any, paths: list[str]) -> None:
    failures = []
    for path in paths:
        axe_page.goto(live_server.url + path)
        found = serious(run_axe(axe_page))
        if found:
            failures.append(f"{path}:\n{format_violations(found)}")
    assert not failures, "\n\n".join(failures)


@both_viewports
def test_home_and_post_pass_axe_at_both_widths(
    axe_page: Page, live_server: Any, paths: list[str]
) -> None:
    for path in ("/", paths[2]):
        axe_page.goto(live_server.url + path)
        found = serious(run_axe(axe_page))
        assert not found, format_violations(found)
