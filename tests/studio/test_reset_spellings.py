"""The password reset's count per address holds for every spelling that reaches the inbox.

Django's reset form finds accounts by `email__iexact` and then keeps those whose address is
equal once NFKC-normalised and case-folded. On PostgreSQL the long s (U+017F) upper-cases to
`S`, so `\u017fam@example.com` finds and mails sam@example.com; the throttle counted the
address in lower case, so each spelling (one more for every s) had three mails of its own.
The count is now kept under the address folded as the form folds it.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import pytest
import time_machine
from django.contrib.auth.forms import _unicode_ci_compare
from django.contrib.auth.models import User
from django.core import mail
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.studio.accounts import RESET_PER_ADDRESS, address_key
from tests.studio.conftest import NOON
from tests.studio.test_password import SENT, ask_reset


@cache
def _by_folding() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for code in range(sys.maxunicode + 1):
        if not 0xD800 <= code <= 0xDFFF:
            char = chr(code)
            table.setdefault(unicodedata.normalize("NFKC", char).casefold(), []).append(char)
    return {folded: tuple(chars) for folded, chars in table.items()}


def spellings(char: str) -> tuple[str, ...]:
    """Every character the reset form takes for `char` (case and compatibility forms)."""
    return _by_folding()[unicodedata.normalize("NFKC", char).casefold()]


LONG_S = "\u017f"
ADDRESSES = ["sam@example.com", "Grace.Hopper@Example.org", "kiss+news@mail.example"]


@st.composite
def spelled(draw: st.DrawFn) -> tuple[str, str]:
    address = draw(st.sampled_from(ADDRESSES))
    return address, "".join(draw(st.sampled_from(spellings(char))) for char in address)


@settings(derandomize=True, database=None, max_examples=200, deadline=None)
@given(spelled())
def test_every_spelling_the_form_matches_is_counted_as_the_address(pair):
    address, typed = pair
    assert _unicode_ci_compare(typed, address)  # the form would mail `address` for it
    assert address_key(typed) == address_key(address)


def test_the_long_s_and_kelvin_sign_are_among_the_spellings():
    assert LONG_S in spellings("s") and "\u212a" in spellings("k")  # K, the Kelvin sign


@pytest.mark.django_db
def test_spellings_of_one_address_share_its_three_mails(django_capture_on_commit_callbacks):
    sam = User.objects.create_user("sam", "sam@example.com", "a long secret to reset")
    typed = ["sam@example.com", "SAM@example.com", " sam@example.com"]
    typed += [f"{LONG_S}am@example.com", f"{LONG_S}am@exampLe.com", f"{LONG_S}am@EXAMPLE.COM"]
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        answers = [ask_reset(email, f"198.51.100.{n}") for n, email in enumerate(typed)]
    assert answers == [SENT] * len(typed)
    assert all(message.to == [sam.email] for message in mail.outbox)
    assert len(mail.outbox) <= RESET_PER_ADDRESS.count
