"""CSV lists in and out: FeedBurner's, Mailchimp's and Substack's exports, and bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from broadsheet.blogs.models import Blog
from broadsheet.subscribers.models import Subscriber, Suppression
from tests.subscribers.conftest import Inbox

pytestmark = pytest.mark.django_db

FEEDBURNER = "Email,Subscribed Date,Status\nfb1@example.org,2019-05-01,Active\nfb2@example.org,2020-01-02,Unverified\n"
MAILCHIMP = (
    "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP\n"
    "mc1@example.org,Ann,Lee,2,2021-03-04 10:00:00,,2021-03-04 10:05:00,\n"
    "mc2@example.org,Bo,Ng,2,,,,\n"
)
MAILCHIMP_CLEANED = (
    "Email Address,MEMBER_RATING,OPTIN_TIME,CLEAN_TIME\nbad@example.org,1,2020-01-01,2022-01-01\n"
)
SUBSTACK = "email,active_subscription,expiry,plan,email_disabled,created_at\nss1@example.org,false,,,false,2023-01-01\nss2@example.org,false,,,true,2023-01-01\n"


def imported(tmp_path: Path, blog: Blog, text: str, capture: Any) -> dict[str, str]:
    path = tmp_path / "list.csv"
    path.write_text("\ufeff" + text)
    with capture(execute=True):
        call_command("subscribers", "import", blog.slug, str(path))
    return dict(Subscriber.objects.values_list("email", "status"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FEEDBURNER, {"fb1@example.org": "confirmed", "fb2@example.org": "pending"}),
        (MAILCHIMP, {"mc1@example.org": "confirmed", "mc2@example.org": "pending"}),
        (SUBSTACK, {"ss1@example.org": "confirmed", "ss2@example.org": "unsubscribed"}),
    ],
    ids=["feedburner", "mailchimp", "substack"],
)
def test_an_export_is_imported_as_opted_in_only_where_it_says_so(
    text: str,
    expected: dict[str, str],
    tmp_path: Path,
    blog: Blog,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert imported(tmp_path, blog, text, django_capture_on_commit_callbacks) == expected
    pending = sorted(e for e, s in expected.items() if s == "pending")
    assert sorted(smtp.recipients()) == pending  # only they are asked to confirm


def test_cleaned_addresses_are_suppressed(
    tmp_path: Path, blog: Blog, django_capture_on_commit_callbacks: Any
) -> None:
    imported(tmp_path, blog, MAILCHIMP_CLEANED, django_capture_on_commit_callbacks)
    assert Suppression.objects.filter(email="bad@example.org").exists()


def test_an_import_never_resubscribes_someone_who_left(
    tmp_path: Path, blog: Blog, django_capture_on_commit_callbacks: Any
) -> None:
    Subscriber.objects.create(blog=blog, email="fb1@example.org", status="unsubscribed")
    found = imported(tmp_path, blog, FEEDBURNER, django_capture_on_commit_callbacks)
    assert found["fb1@example.org"] == "unsubscribed"


def test_a_file_without_addresses_is_a_clear_error(tmp_path: Path, blog: Blog) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,phone\nAnn,1\n")
    with pytest.raises(CommandError, match="no e-mail column"):
        call_command("subscribers", "import", blog.slug, str(path))


def test_export_and_count(tmp_path: Path, blog: Blog, capsys: Any) -> None:
    Subscriber.objects.create(blog=blog, email="a@example.org", status="confirmed")
    out = tmp_path / "out.csv"
    call_command("subscribers", "export", blog.slug, "--output", str(out))
    assert "a@example.org,confirmed,each" in out.read_text()
    call_command("subscribers", "count", blog.slug)
    assert "confirmed: 1" in capsys.readouterr().out
