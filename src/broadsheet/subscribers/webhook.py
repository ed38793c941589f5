"""The bounce webhook's JSON, checked field by field before anything is suppressed.

    {"events": [{"type": "bounce", "email": "a@example.org", "permanent": true,
                 "detail": "550 5.1.1 no such user"},
                {"type": "complaint", "email": "b@example.org"}]}

A bounce suppresses only when `permanent` is true (a soft bounce is retried by the server);
a complaint always does. At most `MAX_EVENTS` events a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from broadsheet.subscribers import actions
from broadsheet.subscribers.models import Suppression

MAX_EVENTS = 1000


@dataclass(frozen=True)
class Event:
    kind: str
    email: str
    permanent: bool
    detail: str


def events(body: Any) -> list[Event]:
    """The events of a request body, or ValidationError saying what is wrong."""
    items = body.get("events") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ValidationError('Expected {"events": [...]}.')
    if len(items) > MAX_EVENTS:
        raise ValidationError(f"At most {MAX_EVENTS} events a request.")
    return [_event(number, item) for number, item in enumerate(items)]


def _event(number: int, item: Any) -> Event:
    if not isinstance(item, dict):
        raise ValidationError(f"Event {number} is not an object.")
    kind, email = item.get("type"), item.get("email")
    if kind not in ("bounce", "complaint"):
        raise ValidationError(f'Event {number}: "type" must be "bounce" or "complaint".')
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise ValidationError(f'Event {number}: "email" must be an address.')
    permanent = item.get("permanent", kind == "complaint")
    if not isinstance(permanent, bool):
        raise ValidationError(f'Event {number}: "permanent" must be true or false.')
    detail = item.get("detail", "")
    return Event(kind, email, permanent, detail if isinstance(detail, str) else "")


def apply(found: list[Event]) -> int:
    """Suppress what the events ask for; how many addresses were newly suppressed."""
    reasons = {"bounce": Suppression.Reason.BOUNCE, "complaint": Suppression.Reason.COMPLAINT}
    new = 0
    for event in found:
        if event.kind == "complaint" or event.permanent:
            new += actions.suppress(event.email, reasons[event.kind], event.detail)
    return new
