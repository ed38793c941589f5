"""The form token, the minimum time to fill, and the rate limits (comments/defences.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from broadsheet.comments import defences
from broadsheet.comments.defences import TokenVerdict as V

NOW = 1_800_000_000.0


def test_token_verdicts() -> None:
    token = defences.issue_token(7, now=NOW)
    assert defences.check_token(token, 7, now=NOW + 1) is V.TOO_FAST
    assert defences.check_token(token, 7, now=NOW + defences.MIN_SECONDS_TO_FILL) is V.OK
    assert defences.check_token(token, 7, now=NOW + defences.TOKEN_MAX_AGE + 1) is V.EXPIRED
    assert defences.check_token(token, 8, now=NOW + 10) is V.INVALID
    assert defences.check_token(token[:-2] + "xx", 7, now=NOW + 10) is V.INVALID
    assert defences.check_token("", 7) is V.MISSING


@pytest.mark.django_db  # the cache is a table of the database
def test_a_token_is_spent_once() -> None:
    cache.clear()
    token = defences.issue_token(7, now=NOW)
    assert defences.spend_token(token) is True
    assert defences.spend_token(token) is False


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("", "unknown"),
        ("not an address", "not an address"),
    ],
)
def test_ipv6_addresses_count_per_64(address: str, key: str) -> None:
    assert defences.address_key(address) == key


@pytest.mark.django_db  # the cache is a table of the database
def test_limits_per_address_and_per_post() -> None:
    cache.clear()
    assert all(defences.within_limits("203.0.113.9", 1, now=NOW) for _ in range(5))
    assert not defences.within_limits("203.0.113.9", 2, now=NOW)
    assert defences.within_limits("203.0.113.9", 2, now=NOW + 61)  # a new minute
    cache.clear()
    results = [defences.within_limits(f"198.51.100.{i}", 3, now=NOW) for i in range(21)]
    assert results == [True] * 20 + [False]  # one post: 20 a minute from anywhere


@pytest.mark.django_db  # the cache is a table of the database
def test_another_v6_host_in_the_same_64_shares_the_count() -> None:
    cache.clear()
    for i in range(5):
        assert defences.within_limits(f"2001:db8::{i + 1}", 1, now=NOW)
    assert not defences.within_limits("2001:db8::99", 1, now=NOW)
