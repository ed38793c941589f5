"""Who a rate limit counts: one IPv4 host is one client however its address is written.

A server listening on both families (`broadsheet serve --host ::`, or a proxy that passes on
what its dual-stack socket saw) gets IPv4 clients as IPv4-mapped IPv6 addresses. Counted per
/64 like a real IPv6 client, every IPv4 client of the internet fell in `::/64`: one of them
could spend the password-reset, Follow by Email, Webmention and app-password allowance of all
the others.
"""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.core.ratelimit import client_key, mailbox_key

ipv4 = st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1))
ipv6 = st.builds(ipaddress.IPv6Address, st.integers(0, 2**128 - 1))
FIXED = settings(derandomize=True, database=None, max_examples=300)


@FIXED
@given(ipv4)
def test_an_ipv4_client_is_one_client_in_either_family(address):
    mapped = ipaddress.IPv6Address(0xFFFF_0000_0000 | int(address))
    assert client_key(str(address)) == str(address)
    assert client_key(str(mapped)) == str(address)  # ::ffff:a.b.c.d
    assert client_key(mapped.exploded) == str(address)  # 0000:…:ffff:cb00:7105


@FIXED
@given(ipv4, ipv4)
def test_two_ipv4_clients_never_share_a_count(one, other):
    mapped = [str(ipaddress.IPv6Address(0xFFFF_0000_0000 | int(a))) for a in (one, other)]
    assert (client_key(mapped[0]) == client_key(mapped[1])) == (one == other)


@FIXED
@given(ipv6, st.integers(0, 2**64 - 1))
def test_an_ipv6_client_is_counted_per_slash_64(address, host_bits):
    if address.ipv4_mapped is not None:
        return  # the IPv4 hosts above
    neighbour = ipaddress.IPv6Address((int(address) >> 64 << 64) | host_bits)
    assert client_key(str(address)) == client_key(str(neighbour))
    assert client_key(str(address)).endswith("/64")


def test_what_is_no_address_is_counted_as_written():
    assert client_key("") == "unknown"
    assert client_key("proxy-said-this") == "proxy-said-this"


# Who is mailed: one inbox however its address is written.
local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=12)


@FIXED
@given(local, st.sampled_from(["example.org", "mail.example"]), local, st.booleans())
def test_spellings_of_one_inbox_are_one_mailbox(user, domain, tag, shout):
    address = f"{user}@{domain}"
    typed = f"{user}+{tag}@{domain}"
    typed = typed.upper() if shout else typed
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() else c for c in user)
    assert mailbox_key(typed) == mailbox_key(address) == address
    assert mailbox_key(f" {wide}@{domain} ") == address  # full-width letters and digits


def test_other_inboxes_stay_apart():
    keys = {mailbox_key(a) for a in ["mary@example.org", "mary@example.com", "marie@example.org"]}
    assert len(keys) == 3
