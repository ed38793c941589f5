"""The Stats page and its CSV: who may see them, the periods, the charts beside their tables."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.stats.tasks import refresh_if_stale
from tests.conftest import MakePost
from tests.stats.conftest import IPHONE, fold_in, spooled
from tests.studio.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def read(blog: Blog, make_post: MakePost) -> None:
    beans, onions = make_post("Broad beans"), make_post("Onions")
    fold_in(
        [spooled(blog.pk, beans.permalink, referer="https://news.example.net/x")] * 3
        + [spooled(blog.pk, onions.permalink, agent=IPHONE), spooled(blog.pk, "/")]
    )


def test_an_author_sees_views_posts_sources_and_audience(
    read: None, author: User, signed_in: Any
) -> None:
    page = signed_in(author).get(url("stats", "notes"), {"period": "day"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="chart" role="img"' in html and "<title>Views, last 24 hours</title>" in html
    assert html.index("Broad beans") < html.index("Onions")  # most read first
    assert '<td class="n">3</td>' in html
    for shown in ("news.example.net", "phone", "desktop", "Firefox", "Safari", "Home page"):
        assert shown in html
    assert '<p class="stats-total">5 ' in html


@pytest.mark.parametrize("period", ["now", "day", "week", "month", "all"])
def test_every_period_counts_todays_reads(
    read: None, author: User, signed_in: Any, period: str
) -> None:
    html = signed_in(author).get(url("stats", "notes"), {"period": period}).content.decode()
    assert '<p class="stats-total">5 ' in html


def test_the_csv_holds_the_same_numbers(read: None, admin: User, signed_in: Any) -> None:
    answer = signed_in(admin).get(url("stats-csv", "notes"), {"period": "month"})
    assert answer["Content-Type"].startswith("text/csv")
    rows = answer.content.decode().splitlines()
    assert rows[0] == "section,name,views"
    assert "total,Last 30 days,5" in rows
    assert "page,Broad beans,3" in rows
    assert "Referring site,news.example.net,3" in rows


def test_a_title_cannot_become_a_spreadsheet_formula(
    blog: Blog, make_post: MakePost, admin: User, signed_in: Any
) -> None:
    post = make_post("=HYPERLINK(1)")
    fold_in([spooled(blog.pk, post.permalink)])
    text = signed_in(admin).get(url("stats-csv", "notes"), {"period": "all"}).content.decode()
    assert "page,'=HYPERLINK(1),1" in text


def test_a_contributor_is_refused(contributor: User, signed_in: Any) -> None:
    assert signed_in(contributor).get(url("stats", "notes")).status_code == 403


def test_an_unknown_period_is_a_clear_400(author: User, signed_in: Any) -> None:
    answer = signed_in(author).get(url("stats", "notes"), {"period": "decade"})
    assert answer.status_code == 400 and b"Unknown period" in answer.content


def test_posting_is_not_allowed(author: User, signed_in: Any) -> None:
    assert signed_in(author).post(url("stats", "notes")).status_code == 405


def test_the_post_list_shows_each_posts_views(read: None, author: User, signed_in: Any) -> None:
    html = signed_in(author).get(url("post-list", "notes")).content.decode()
    assert '<th scope="col">Views</th>' in html
    assert "<td>3</td>" in html and "<td>1</td>" in html


def test_a_stale_count_asks_the_worker_for_a_run(
    blog: Blog, make_post: MakePost, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        refresh_if_stale()
    assert len(queued) == 1
