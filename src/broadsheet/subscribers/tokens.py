"""The signed links of subscriber mail: confirming an address and leaving the list.

The signature is the credential (mail clients post the one-click unsubscribe with no cookie),
so each token names the subscriber row and its address: a token for a row that has since
been removed and re-created for someone else does not work.
"""

from __future__ import annotations

from django.core import signing

from broadsheet.subscribers.models import Subscriber

CONFIRM_SALT = "broadsheet.subscribers.confirm"
UNSUBSCRIBE_SALT = "broadsheet.subscribers.unsubscribe"
CONFIRM_DAYS = 7  # how long a confirmation link works


def confirm_token(subscriber: Subscriber) -> str:
    return _dumps(subscriber, CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return _dumps(subscriber, UNSUBSCRIBE_SALT)


def _dumps(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=salt, compress=True)


def subscriber_for(token: str, *, confirm: bool) -> Subscriber | None:
    """The subscriber a token names, or None for a forged, expired or stale one. An
    unsubscribe link never expires: an old newsletter must still let its reader leave."""
    salt, age = (CONFIRM_SALT, CONFIRM_DAYS * 86400) if confirm else (UNSUBSCRIBE_SALT, None)
    try:
        data = signing.loads(token, salt=salt, max_age=age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    return Subscriber.objects.filter(pk=data["s"], email=data.get("e")).first()
