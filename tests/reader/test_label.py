from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def test_label_page_lists_only_that_label(client: Client, make_post: MakePost) -> None:
    make_post("Tomatoes", labels=("Seed Saving",))
    make_post("Bicycles", labels=("Cycling",), published_at=NOON - dt.timedelta(days=1))
    html = client.get("/search/label/Seed%20Saving").content.decode()
    assert "Tomatoes" in html and "Bicycles" not in html.split("<aside")[0]
    assert "Showing posts with label <strong>Seed Saving</strong>." in html
    assert "Show all posts" in html


def test_label_query_parameter_form(client: Client, make_post: MakePost) -> None:
    make_post("Tomatoes", labels=("Seed Saving",))
    assert "Tomatoes" in client.get("/search?label=Seed+Saving").content.decode()


def test_two_labels_joined_by_plus_means_both(client: Client, make_post: MakePost) -> None:
    make_post("Both", labels=("Garden", "Winter"))
    make_post("Only garden", labels=("Garden",), published_at=NOON - dt.timedelta(days=1))
    main = client.get("/search/label/Garden+Winter").content.decode().split("<aside")[0]
    assert "Both" in main and "Only garden" not in main


def test_non_ascii_label(client: Client, make_post: MakePost) -> None:
    make_post("Coffee", labels=("Café",))
    html = client.get("/search/label/Caf%C3%A9").content.decode()
    assert "Coffee" in html
    assert 'href="/search/label/Caf%C3%A9"' in html


def test_unknown_label_is_a_themed_404(client: Client, make_post: MakePost) -> None:
    make_post(labels=("Garden",))
    response = client.get("/search/label/Nonexistent")
    assert response.status_code == 404
    assert "No posts with label Nonexistent" in response.content.decode()


def test_label_page_pages_back(client: Client, make_post: MakePost) -> None:
    for day in range(4):
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    html = client.get("/search/label/Garden").content.decode()
    assert 'href="/search/label/Garden?updated-max=' in html
