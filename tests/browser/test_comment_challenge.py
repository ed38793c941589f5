"""The blog's comment question in Chromium: it appears once the reader starts on the form,
reads as the answer field's label, passes axe, and the right answer posts the comment. (The
time-zone picker is on the settings page that tests/browser/test_studio_accessibility.py
runs axe over.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Blog
from broadsheet.comments import challenge, defences
from broadsheet.posts.models import Post
from tests.conftest import MakePost
from tests.tools.axe import format_violations, run_axe, serious


@pytest.fixture(autouse=True)
def _quick_readers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(defences, "MIN_SECONDS_TO_FILL", 0)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(transactional_db: Any, blog: Blog, make_post: MakePost) -> Post:
    blog.comment_challenge = Blog.CommentChallenge.ANONYMOUS
    blog.save()
    return make_post("Rhubarb, forced")


def test_the_question_is_asked_answered_and_accessible(
    axe_page: Page, live_server: Any, post: Post
) -> None:
    axe_page.goto(live_server.url + post.permalink)
    axe_page.get_by_label("Your comment").fill("Forcing jars work.")
    question = axe_page.get_by_label(re.compile(r"^What is \w+ plus \w+\?"))
    expect(question).to_be_visible()
    found = serious(run_axe(axe_page))
    assert not found, format_violations(found)
    label = axe_page.locator("label[for=comment-answer]").inner_text()
    numbers = re.findall(r"What is (\w+) plus (\w+)\?", label)[0]
    question.fill(str(sum(challenge.WORDS.index(word) for word in numbers)))
    axe_page.get_by_role("button", name="Publish").click()
    expect(axe_page.locator(".comment-thread")).to_contain_text("Forcing jars work.")
