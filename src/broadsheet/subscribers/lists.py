"""Subscriber lists in and out as CSV: FeedBurner's, Mailchimp's and Substack's exports, or
any file with an e-mail column.

Whether an imported address counts as confirmed is the file's word, read per format:

- FeedBurner ("View Subscriber Details", export): `Email`, `Subscribed Date`, `Status`.
  FeedBurner always asked for confirmation: `Active` means confirmed, `Unverified` not.
- Mailchimp (audience export, one file per status): `Email Address`, names, `OPTIN_TIME`,
  `CONFIRM_TIME`…; the unsubscribed file adds `UNSUB_TIME`, the cleaned one `CLEAN_TIME`.
  A row with an opt-in or confirm time counts as confirmed; unsubscribed rows come in as
  unsubscribed, cleaned rows (hard bounces) as suppressed.
- Substack (subscribers export): `email`, `active_subscription`, `email_disabled`,
  `created_at`…; everyone on it subscribed on Substack, so it counts as confirmed unless
  `email_disabled` is true (they turned mail off: unsubscribed).
- Anything else with an `email` column: not confirmed.

An address that is not confirmed gets the one confirmation mail, as if it had used the form.
An import never touches an address the blog already has: someone who unsubscribed stays so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import actions, tasks
from broadsheet.subscribers.models import Subscriber, Suppression

Status = Subscriber.Status
MAX_ROWS = 200_000
EXPORT_FIELDS = ["email", "status", "frequency", "created_at", "confirmed_at", "source"]


@dataclass(frozen=True)
class Row:
    email: str
    status: str  # a Subscriber.Status, or "suppressed"


@dataclass
class Outcome:
    added: int = 0
    confirmed: int = 0
    asked: int = 0
    skipped: int = 0  # already there, or not an address


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"true", "1", "yes", "t"}


def _feedburner(row: dict[str, str]) -> Row:
    active = row.get("Status", "").strip().lower() == "active"
    return Row(row.get("Email", ""), Status.CONFIRMED if active else Status.PENDING)


def _mailchimp(row: dict[str, str]) -> Row:
    email = row.get("Email Address", "")
    if row.get("CLEAN_TIME", "").strip():
        return Row(email, "suppressed")
    if row.get("UNSUB_TIME", "").strip():
        return Row(email, Status.UNSUBSCRIBED)
    opted = row.get("OPTIN_TIME", "").strip() or row.get("CONFIRM_TIME", "").strip()
    return Row(email, Status.CONFIRMED if opted else Status.PENDING)


def _substack(row: dict[str, str]) -> Row:
    off = _truthy(row.get("email_disabled", ""))
    return Row(row.get("email", ""), Status.UNSUBSCRIBED if off else Status.CONFIRMED)


def _plain(row: dict[str, str]) -> Row:
    key = next((k for k in row if k and k.strip().lower() in {"email", "e-mail"}), "")
    return Row(row.get(key, "") if key else "", Status.PENDING)


def reader_for(header: list[str]) -> tuple[str, object]:
    """Which export a header is: its name and how to read a row of it."""
    names = set(header)
    if "Email Address" in names:
        return "mailchimp", _mailchimp
    if {"Email", "Status"} <= names:
        return "feedburner", _feedburner
    if "email" in names and ({"active_subscription", "email_disabled"} & names):
        return "substack", _substack
    if any(name.strip().lower() in {"email", "e-mail"} for name in header):
        return "csv", _plain
    raise ValidationError("The file has no e-mail column (Email, Email Address or email).")


def read_rows(text: str) -> tuple[str, Iterator[Row]]:
    """The kind of file and its rows; ValidationError for a file that is no such list."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    kind, read = reader_for([name or "" for name in reader.fieldnames or []])
    return kind, (read(row) for row in reader)  # type: ignore[operator]


def import_csv(blog: Blog, text: str) -> Outcome:
    """Add a file's subscribers to the blog (see the module's docstring for who is confirmed)."""
    kind, rows = read_rows(text)
    outcome, asked = Outcome(), []
    with transaction.atomic():
        for number, row in enumerate(rows):
            if number >= MAX_ROWS:
                raise ValidationError(f"The file has more than {MAX_ROWS} rows.")
            asked += _add(blog, kind, row, outcome)
        transaction.on_commit(lambda: [tasks.ask_to_confirm.enqueue(pk) for pk in asked])
    outcome.asked = len(asked)
    return outcome


def _add(blog: Blog, kind: str, row: Row, outcome: Outcome) -> list[int]:
    try:
        email = actions.clean_address(row.email)
    except ValidationError:
        outcome.skipped += 1
        return []
    if row.status == "suppressed":
        actions.suppress(email, Suppression.Reason.BOUNCE, f"Cleaned in the {kind} export")
        outcome.skipped += 1
        return []
    now = timezone.now()
    confirmed = row.status == Status.CONFIRMED
    made, created = Subscriber.objects.get_or_create(
        blog=blog,
        email=email,
        defaults={"status": row.status, "source": kind, "confirmed_at": now if confirmed else None},
    )
    if not created:
        outcome.skipped += 1
        return []
    outcome.added += 1
    outcome.confirmed += confirmed
    return [made.pk] if row.status == Status.PENDING else []


def export_rows(blog: Blog) -> Iterable[list[str]]:
    """The blog's subscribers as CSV rows, the header first."""
    yield EXPORT_FIELDS
    rows = Subscriber.objects.filter(blog=blog).order_by("email")
    for sub in rows.iterator():
        yield [
            sub.email,
            sub.status,
            sub.frequency,
            sub.created_at.isoformat(),
            sub.confirmed_at.isoformat() if sub.confirmed_at else "",
            sub.source,
        ]


def counts(blog: Blog) -> dict[str, int]:
    """How many subscribers the blog has in each state, and how many are suppressed."""
    mine = Subscriber.objects.filter(blog=blog)
    found = {status: mine.filter(status=status).count() for status in Status.values}
    suppressed = Suppression.objects.filter(email__in=mine.values("email")).count()
    return {**found, "suppressed": suppressed, "mailable": mine.mailable().count()}
