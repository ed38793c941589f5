"""No open redirect through `next` (or any parameter a view redirects to), login throttling,
and no account enumeration.

Every target in the corpora's `open_redirect/` lists is tried against each place that
redirects to a URL the visitor gives: signing in (POST, and GET while signed in), signing out,
the admin's sign-in, and the sign-in hops of the studio and the comment form. The answer's
Location must stay on this site as a browser reads it (`//host`, `/\\host`, `https:host`,
encoded and control-character forms all count as leaving).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.security.cast import Cast, build_cast
from tests.security.corpus import corpora

pytestmark = pytest.mark.django_db


def redirect_targets() -> list[str]:
    found: list[str] = []
    for path in sorted((corpora() / "open_redirect").glob("*.txt")):
        found += path.read_text(encoding="utf-8", errors="replace").splitlines()
    targets = list(dict.fromkeys(line.strip() for line in found if line.strip()))
    return [target.replace("whitelisteddomain.tld", "testserver") for target in targets]


TARGETS = redirect_targets()
# The names sites use for "where to go next" (those the corpus's own payloads use first).
PARAMETERS = [
    *("next", "url", "redirect", "redir", "rurl", "return", "return_to", "returnTo"),
    *("redirect_to", "redirect_uri", "continue", "dest", "destination", "goto", "target"),
]
# The corpus's path-shaped payloads, asked for as addresses of this site.
PATHS = [
    line.strip()
    for line in (corpora() / "open_redirect" / "open_redirect_wordlist.txt")
    .read_text()
    .splitlines()
    if line.strip()
]


def stays_here(location: str) -> bool:
    """Whether a browser following `location` from http://testserver/studio/ stays there.

    Read the way browsers read it (the WHATWG URL parser): outer spaces and controls dropped,
    tabs and newlines removed anywhere, backslashes taken for slashes; percent-escapes are not
    decoded first, so `/%09/host` and `%68ttp:...` are paths on this site. A host that is only
    an escaped control character (`//%09/host`) is no host at all: browsers refuse to go.
    """
    cleaned = location.strip("".join(map(chr, range(33))))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    scheme = urlsplit(cleaned).scheme
    if scheme and not cleaned.lower().startswith(f"{scheme.lower()}://testserver/"):
        return False
    parts = urlsplit(urljoin("http://testserver/studio/", cleaned))
    if parts.netloc != "testserver" and all(ord(ch) <= 32 for ch in unquote(parts.netloc)):
        return True
    return parts.scheme == "http" and parts.netloc == "testserver"


def test_the_checker_knows_an_open_redirect_when_it_sees_one() -> None:
    assert stays_here("/studio/notes/")
    for escape in (
        "//evil.test",
        "/\\evil.test",
        "https://evil.test",
        "https:evil.test",
        "\t//evil.test",
        "javascript:alert(1)",
    ):
        assert not stays_here(escape), escape


@pytest.fixture
def cast(django_db_blocker: Any) -> Iterator[Cast]:
    yield build_cast()


def location(response: Any) -> str:
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    return str(response["Location"])


def test_signing_in_never_sends_anyone_off_site(cast: Cast) -> None:
    escaped = []
    for target in TARGETS:
        client = Client()
        response = client.post(
            "/studio/login/", {"username": "grace", "password": "pw", "next": target}
        )
        if not stays_here(location(response)):
            escaped.append((target, response["Location"]))
        # Signed in, the login page sends its visitor on at once: through `next` as well.
        again = client.get("/studio/login/", {"next": target})
        if not stays_here(location(again)):
            escaped.append((f"GET {target}", again["Location"]))
    assert not escaped, escaped[:20]


def test_signing_out_never_sends_anyone_off_site(cast: Cast) -> None:
    escaped = []
    client = Client()
    for target in TARGETS:
        client.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions["admin"]
        for name in PARAMETERS[:7]:
            response = client.post(f"/studio/logout/?{name}=" + target.replace("&", "%26"))
            if not stays_here(location(response)):
                escaped.append((name, target, response["Location"]))
    assert not escaped, escaped[:20]


def test_the_admin_sign_in_never_sends_anyone_off_site(cast: Cast) -> None:
    escaped = []
    for target in TARGETS[::3]:
        response = Client().post(
            "/admin/login/", {"username": "root", "password": "pw", "next": target}
        )
        if not stays_here(location(response)):
            escaped.append((target, response["Location"]))
    assert not escaped, escaped[:20]


def test_sign_in_hops_carry_only_our_own_path(cast: Cast) -> None:
    """Being sent to sign in keeps the page asked for as `next`: always a path of ours."""
    for target in TARGETS[::5]:
        for start in (f"/studio/{cast.blog.slug}/", f"/studio/comments/{cast.blog.slug}/"):
            response = Client().get(start, {p: target for p in PARAMETERS})
            hop = location(response)
            assert stays_here(hop), hop
            after = dict(
                part.split("=", 1) for part in urlsplit(hop).query.split("&") if "=" in part
            )
            assert stays_here(unquote(after["next"])), after


# --- signing in: throttling and enumeration -------------------------------------------------


def sign_in(username: str, password: str, address: str = "10.1.1.1") -> Any:
    return Client().post(
        "/studio/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def page_text(response: Any) -> str:
    """The page with its per-request token taken out."""
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_unknown_user_and_wrong_password_get_the_same_page(cast: Cast) -> None:
    wrong = sign_in("grace", "not-it", "10.2.0.1")
    unknown = sign_in("nobody-at-all", "not-it", "10.2.0.2")
    assert wrong.status_code == unknown.status_code == 200
    assert page_text(wrong).replace("grace", "NAME") == page_text(unknown).replace(
        "nobody-at-all", "NAME"
    )


def test_a_user_name_is_locked_after_the_limit_whoever_asks(cast: Cast) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        assert sign_in("grace", f"guess-{attempt}", f"10.3.0.{attempt}").status_code == 200
    assert sign_in("grace", "guess-last", "10.3.0.99").status_code == 429  # the limit-th
    locked = sign_in("grace", "pw", "10.3.1.1")  # the right password, from a fresh address
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session


def test_an_unknown_user_name_locks_the_same_way(cast: Cast) -> None:
    """The lock-out page does not tell a real account from a made-up one."""
    limit = settings.AXES_FAILURE_LIMIT
    for name in ("grace", "no-such-person"):
        for attempt in range(limit):
            sign_in(name, f"guess-{attempt}", f"10.4.{len(name)}.{attempt}")
    real, made_up = sign_in("grace", "x", "10.4.9.1"), sign_in("no-such-person", "x", "10.4.9.2")
    assert real.status_code == made_up.status_code == 429
    assert page_text(real) == page_text(made_up)


def test_one_address_trying_many_names_is_locked(cast: Cast) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        sign_in(f"someone-{attempt}", "guess", "10.5.0.1")
    assert sign_in("grace", "pw", "10.5.0.1").status_code == 429
    assert sign_in("grace", "pw", "10.5.0.2").status_code == 302


def test_password_reset_says_the_same_for_known_and_unknown_addresses(cast: Cast) -> None:
    known = Client().post("/studio/password-reset/", {"email": "grace@example.com"})
    unknown = Client().post("/studio/password-reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.parametrize("prefix", ["", "/studio", "/studio/login", "/admin"])
def test_no_address_of_ours_redirects_off_site(cast: Cast, prefix: str) -> None:
    """`///example.com`, `/%5cexample.com`, `/?next=//example.com`…: whatever the path,
    a redirect (a slash appended, a sign-in hop) stays on this site."""
    escaped = []
    for path in PATHS:
        response = Client().get(prefix + path)
        redirected = response.status_code in (301, 302, 303, 307, 308)
        if redirected and not stays_here(location(response)):
            escaped.append((prefix + path, response["Location"]))
    assert not escaped, escaped[:20]
