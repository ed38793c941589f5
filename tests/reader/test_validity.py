"""Every public page of the demo passes the Nu Html Checker with no error."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.demo.loader import load_demo
from tests.demo_pages import demo_paths
from tests.tools.vnu import VnuService, format_messages

pytestmark = pytest.mark.django_db


def test_every_demo_page_is_valid_html(client: Client, vnu: VnuService) -> None:
    blog = load_demo()
    paths = demo_paths(blog)
    assert len(paths) > 30
    failures = []
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        errors = vnu.validate(response.content)
        if errors:
            failures.append(f"{path}:\n{format_messages(errors)}")
    assert not failures, "\n\n".join(failures)
