from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def test_search_ranks_and_highlights(client: Client, make_post: MakePost) -> None:
    make_post("Rhubarb crumble", source="A pudding.")
    make_post("Winter", source="We forced the rhubarb.", published_at=NOON - dt.timedelta(days=1))
    html = client.get("/search?q=rhubarb").content.decode()
    assert "Showing posts sorted by relevance for query <strong>rhubarb</strong>." in html
    assert html.index("Rhubarb crumble") < html.index(">Winter<")
    assert "<mark>rhubarb</mark>" in html
    assert 'href="/search?q=rhubarb&amp;max-results=3&amp;by-date=true">Sort by date' in html
    assert "Show all posts" in html


def test_search_by_date_puts_newest_first(client: Client, make_post: MakePost) -> None:
    make_post("Rhubarb crumble", source="A pudding.", published_at=NOON - dt.timedelta(days=1))
    make_post("Winter", source="We forced the rhubarb.")
    html = client.get("/search?q=rhubarb&by-date=true").content.decode()
    assert html.index(">Winter<") < html.index("Rhubarb crumble")
    assert "Sort by relevance" in html


def test_search_pages_with_start(client: Client, make_post: MakePost) -> None:
    for day in range(5):
        make_post(f"Rhubarb {day}", published_at=NOON - dt.timedelta(days=day))
    first = client.get("/search?q=rhubarb&by-date=true").content.decode()
    assert "start=3" in first and "More results" in first
    second = (
        client.get("/search?q=rhubarb&by-date=true&start=3").content.decode().split("<aside")[0]
    )
    assert "Rhubarb 3" in second and "Rhubarb 4" in second and "Rhubarb 0<" not in second


def test_no_results_says_so(client: Client, make_post: MakePost) -> None:
    make_post()
    html = client.get("/search?q=zeppelin").content.decode()
    assert "No posts match <strong>zeppelin</strong>" in html


@pytest.mark.parametrize(
    "query",
    [
        "q=%22unbalanced",
        "q=NEAR(a",
        "q=<script>alert(1)</script>",
        "q=x&start=abc",
        "q=x&start=-5",
        "q=x&start=%C2%B2",  # superscript two: str.isdigit() but not int(), was a 500
        "q=x&start=" + "9" * 5000,
        "q=x&max-results=%C2%B2",
        "q=x&max-results=abc",
        "q=" + "long+" * 2000,
    ],
)
def test_odd_queries_answer_cleanly(client: Client, make_post: MakePost, query: str) -> None:
    make_post()
    response = client.get(f"/search?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
