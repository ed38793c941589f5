"""Which requests the front may answer, and how their keys are formed."""

from __future__ import annotations

from typing import Any

import pytest

from broadsheet.core.pagecache import keys
from broadsheet.core.pagecache.keys import for_request, normal_query


def environ(**overrides: Any) -> dict[str, Any]:
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "HTTP_HOST": "notes.localhost",
        "wsgi.url_scheme": "http",
    }
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("", ""),
        ("m=1", ""),
        ("m=0&q=beans", "q=beans"),
        ("q=beans&m=1", "q=beans"),
        ("m=2", "m=2"),
        ("z=1&a=2&a=1", "a=2&a=1&z=1"),
        ("q=runner%20beans", "q=runner+beans"),
        ("label=Seed+Saving&max-results=5", "label=Seed+Saving&max-results=5"),
        ("flag", "flag="),
    ],
)
def test_the_query_is_normalised(raw: str, normal: str) -> None:
    assert normal_query(raw) == normal


def test_the_same_page_asked_differently_has_one_key() -> None:
    plain = for_request(environ(QUERY_STRING="a=1&b=2"))
    other = for_request(environ(QUERY_STRING="b=2&m=1&a=1", HTTP_HOST="Notes.Localhost"))
    assert plain is not None and other is not None and plain.key == other.key


@pytest.mark.parametrize(
    "change",
    [
        {"HTTP_HOST": "other.localhost"},
        {"wsgi.url_scheme": "https"},
        {"PATH_INFO": "/2024/"},
        {"QUERY_STRING": "q=x"},
    ],
)
def test_host_scheme_path_and_query_make_different_keys(change: dict[str, str]) -> None:
    one, two = for_request(environ()), for_request(environ(**change))
    assert one is not None and two is not None and one.key != two.key


def test_the_proxy_header_decides_the_scheme_behind_a_proxy(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    direct = for_request(environ(**{"wsgi.url_scheme": "https"}))
    proxied = for_request(environ(HTTP_X_FORWARDED_PROTO="https"))
    assert direct is not None and proxied is not None and direct.key == proxied.key


@pytest.mark.parametrize(
    "change",
    [
        {"REQUEST_METHOD": "POST"},
        {"REQUEST_METHOD": "OPTIONS"},
        {"PATH_INFO": "/studio/"},
        {"PATH_INFO": "/admin/login/"},
        {"PATH_INFO": "/comments/post/1"},
        {"PATH_INFO": "/static/reader/site.css"},
        {"PATH_INFO": "/media/a.jpg"},
        {"HTTP_COOKIE": "csrftoken=x; sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Basic eDp5"},
    ],
)
def test_personal_and_writing_requests_bypass(change: dict[str, str]) -> None:
    assert for_request(environ(**change)) is None


@pytest.mark.parametrize(
    "change",
    [
        {"REQUEST_METHOD": "POST"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Bearer abc"},
        {"HTTP_ACCEPT": "application/activity+json"},
    ],
)
def test_an_address_read_many_times_still_bypasses_for_a_member(change: dict[str, str]) -> None:
    # The key of an address is remembered after the first reader; the second visitor, a
    # signed-in member or a fediverse server at the same address, must still bypass.
    assert for_request(environ()) is not None
    assert for_request(environ(**change)) is None


def test_a_changed_session_cookie_name_is_read_again(settings: Any) -> None:
    assert for_request(environ(HTTP_COOKIE="notes_session=abc")) is not None
    settings.SESSION_COOKIE_NAME = "notes_session"
    assert for_request(environ(HTTP_COOKIE="notes_session=abc")) is None


def test_cookies_other_than_the_session_do_not_bypass() -> None:
    assert for_request(environ(HTTP_COOKIE="csrftoken=x; theme=dark")) is not None


def test_a_long_address_is_keyed_every_time_but_not_remembered() -> None:
    long = environ(QUERY_STRING="q=" + "x" * 5000)
    first, again = for_request(long), for_request(long)
    assert first is not None and first == again
    assert all(len(str(field)) < 5000 for fields in keys._remembered for field in fields)
