"""Bounces read from a real IMAP server: Dovecot on loopback, started here with a throw-away
configuration (`tests/tools/dovecot.py`), a delivery report dropped into the mailbox, and the
bounce command reading it over TLS."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.subscribers.models import Suppression
from tests.subscribers.test_bounces import ARF, DSN
from tests.tools import dovecot
from tests.tools.dovecot import Imap

pytestmark = pytest.mark.django_db
USER, PASSWORD = "bounces", "imap-test-password"


@pytest.fixture(scope="module")
def imap() -> Iterator[Imap]:
    with dovecot.running(USER, PASSWORD) as server:
        yield server


def read_bounces(imap: Imap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNCE_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(imap.cert))  # our test authority, as an operator's
    call_command(
        "subscribers", "bounces", "--imap", imap.address, "--user", USER,
        "--password-env", "BOUNCE_PASSWORD",
    )  # fmt: skip


def test_a_bounce_in_the_imap_inbox_suppresses_its_address(
    imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap.deliver(DSN)
    imap.deliver(ARF)
    read_bounces(imap, monkeypatch)
    suppressed = dict(Suppression.objects.values_list("email", "reason"))
    assert suppressed == {"gone@example.org": "bounce", "angry@example.org": "complaint"}
    assert len(mailbox.Maildir(imap.maildir).keys()) == 2  # read-only: nothing was removed


def test_a_server_whose_certificate_is_not_trusted_gets_no_password(
    imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUNCE_PASSWORD", PASSWORD)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(CommandError, match="CERTIFICATE_VERIFY_FAILED"):
        call_command(
            "subscribers", "bounces", "--imap", imap.address, "--user", USER,
            "--password-env", "BOUNCE_PASSWORD",
        )  # fmt: skip
    assert not Suppression.objects.exists()
