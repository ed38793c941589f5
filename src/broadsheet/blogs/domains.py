"""What a blog's custom domain may be: the one rule, for every way a domain gets set.

A custom domain is matched against the Host header of every request (`hosts.blog_for_host`),
so a domain that is also another address of the site would let one blog's admin take it: the
base domain is the default blog, `<slug>.<base>` is another blog (or one created later), a
bare IP address or `localhost` is the default blog too, and another blog's domain is theirs.
The studio's settings form, Django's admin and a backup restore all go through
`Blog.clean_custom_domain`, which uses `normalise_domain` and `validate_custom_domain` below.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_LENGTH = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Top-level domains start with a letter (or are punycode): a numeric last label is an IPv4
# address in one of the forms inet_aton reads (127.1, 0x7f000001, 0177.0.0.1).
_TOP_LABEL = re.compile(r"^(?:[a-z][a-z0-9-]*|xn--[a-z0-9-]+)$")
_NUMBER = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_NOT_A_NAME = re.compile(r"[/:@?#\\\s\[\]%]")
EXAMPLE = "Give a domain name alone, such as notes.example.org"


def normalise_domain(value: str) -> str:
    """The form a domain is stored and compared in: lower case, no trailing dot, an
    internationalised name in punycode (what browsers send in the Host header)."""
    host = value.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # not a name: validate_custom_domain says why


def validate_custom_domain(value: str) -> None:
    """Refuse what cannot be one blog's own domain, saying why; see the module's docstring."""
    raw = value.strip()
    host = normalise_domain(raw)
    # The typed text and its IDNA form: full-width digits and dots fold into an address.
    if _is_ip_literal(raw.strip("[]").rstrip(".")) or _is_ip_literal(host):
        raise ValidationError(
            "An IP address cannot be a blog's domain: the site answers at its addresses "
            "with the default blog. Give a domain name, such as notes.example.org."
        )
    if _NOT_A_NAME.search(raw):
        raise ValidationError(f"{EXAMPLE}: no http://, port, path or spaces.")
    _check_not_ours(host)
    _check_syntax(raw, host)


def _is_ip_literal(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        # inet_aton (and so browsers and curl) read 127.1, 0x7f000001 and 0177.0.0.1 as IPv4
        # too: any name made of one to four numbers, decimal, octal or hex, is taken as one.
        parts = text.lower().split(".")
        return len(parts) <= 4 and all(_NUMBER.match(part) for part in parts)
    return True


def _check_syntax(raw: str, host: str) -> None:
    try:
        raw.rstrip(".").encode("idna")
    except UnicodeError:
        raise ValidationError(f"“{raw}” is not a valid domain name. {EXAMPLE}.") from None
    labels = host.split(".")
    if len(host) > MAX_LENGTH or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            f"{EXAMPLE}: letters, digits and hyphens in parts of at most 63 characters "
            f"between dots, and at most {MAX_LENGTH} characters in all."
        )
    if len(labels) < 2 or not _TOP_LABEL.match(labels[-1]):
        raise ValidationError(f"{EXAMPLE}, with a dot and a top-level domain.")


def _check_not_ours(host: str) -> None:
    base = str(settings.BASE_DOMAIN).rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        raise ValidationError("localhost names only ever reach this machine.")
    if host == base or host.endswith(f".{base}"):
        raise ValidationError(
            f"{host} is the site's own address or one under it ({base}), which belong to "
            "the site and its blogs. Give a domain of your own."
        )
