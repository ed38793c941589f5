from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def test_month_archive_holds_that_month_in_blog_time(client: Client, make_post: MakePost) -> None:
    make_post("October post")
    # 1 November 03:00 UTC is still 31 October in Los Angeles.
    make_post("Halloween night", published_at=dt.datetime(2024, 11, 1, 3, 0, tzinfo=dt.UTC))
    make_post("November post", published_at=dt.datetime(2024, 11, 5, 12, tzinfo=dt.UTC))
    main = client.get("/2024/10/").content.decode().split("<aside")[0]
    assert "October post" in main and "Halloween night" in main
    assert "November post" not in main
    assert "Showing posts from <strong>October 2024</strong>" in main


def test_year_archive(client: Client, make_post: MakePost) -> None:
    make_post("This year")
    make_post("Last year", published_at=NOON - dt.timedelta(days=366))
    main = client.get("/2024/").content.decode().split("<aside")[0]
    assert "This year" in main and "Last year" not in main


def test_archive_gadget_counts_posts_by_month(client: Client, make_post: MakePost) -> None:
    make_post("One")
    make_post("Two", published_at=NOON - dt.timedelta(days=1))
    make_post("Three", published_at=NOON - dt.timedelta(days=40))
    aside = client.get("/").content.decode().split("<aside")[1]
    assert '<a href="/2024/10/">October</a> <span class="count">(2)</span>' in aside
    assert '<a href="/2024/09/">September</a> <span class="count">(1)</span>' in aside
    assert '2024 <span class="count">(3)</span>' in aside
    assert '<a href="/2024/">All of 2024</a>' in aside


def test_legacy_daily_archive_redirects_to_month(client: Client, make_post: MakePost) -> None:
    make_post()
    response = client.get("/2024_10_20_archive.html")
    assert response.status_code == 301 and response["Location"] == "/2024/10/"


@pytest.mark.parametrize("path", ["/2024/13/", "/0000/", "/2024/00/", "/9999/12/"])
def test_impossible_archive_is_404(client: Client, make_post: MakePost, path: str) -> None:
    make_post()
    assert client.get(path).status_code in (200, 404)
    assert client.get(path).status_code != 500
