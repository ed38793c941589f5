"""Bounces read from a real IMAP server: Dovecot on loopback, started here with a throw-away
configuration (a passwd-file user, a self-signed certificate for 127.0.0.1, a Maildir), a
delivery report dropped into the mailbox, and the bounce command reading it over TLS."""

from __future__ import annotations

import getpass
import mailbox
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.subscribers.models import Suppression
from tests.subscribers.conftest import free_port
from tests.subscribers.test_bounces import ARF, DSN

pytestmark = pytest.mark.django_db
DOVECOT = "/usr/sbin/dovecot"  # Debian's dovecot-imapd (.ci/run installs it)
USER, PASSWORD = "bounces", "imap-test-password"


@dataclass
class Imap:
    address: str
    cert: Path
    maildir: Path
    owner: tuple[int, int]

    def deliver(self, text: str) -> None:
        """Drop a message into the user's inbox, as the mail server's delivery agent would."""
        self.maildir.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.maildir, create=True)
        box.add(text.encode())
        box.close()
        if os.geteuid() == 0:  # Dovecot reads the mail as the mail user, not as root
            for path in [self.maildir.parent, *self.maildir.parent.rglob("*")]:
                os.chown(path, *self.owner)


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    argv = ["openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    argv += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    argv += ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(argv, check=True, capture_output=True)
    return cert, key


def configuration(folder: Path, port: int, owner: tuple[int, int]) -> Path:
    cert, key = certificate(folder)
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    # As root, Dovecot's own users run its parts; as anyone else, that user runs them all.
    internal, login = ("dovecot", "dovenull") if os.geteuid() == 0 else (getpass.getuser(),) * 2
    conf = folder / "dovecot.conf"
    conf.write_text(
        f"base_dir = {folder}/run\nstate_dir = {folder}/state\nlog_path = {folder}/dovecot.log\n"
        f"protocols = imap\nlisten = 127.0.0.1\nssl = required\nssl_cert = <{cert}\n"
        f"ssl_key = <{key}\ndefault_internal_user = {internal}\ndefault_login_user = {login}\n"
        f"first_valid_uid = {owner[0]}\nmail_location = maildir:~/Maildir\n"
        "service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n"
        f"  inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n}}\n"
        f"passdb {{\n  driver = passwd-file\n  args = {folder}/passwd\n}}\n"
        f"userdb {{\n  driver = static\n  args = uid={owner[0]} gid={owner[1]} "
        f"home={folder}/home/%u\n}}\n"
    )
    return conf


def wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text() if log.exists() else "dovecot stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"dovecot did not listen on {port}: {log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="module")
def imap() -> Iterator[Imap]:
    # Not under pytest's own temporary folder, which only its owner may enter: Dovecot's
    # unprivileged processes read the certificate and the mail here.
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-dovecot-"))
    folder.chmod(0o755)
    user = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
    owner, port = (user.pw_uid, user.pw_gid), free_port()
    conf = configuration(folder, port, owner)
    server = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        wait_for(port, server, folder / "dovecot.log")
        yield Imap(
            f"127.0.0.1:{port}", folder / "cert.pem", folder / "home" / USER / "Maildir", owner
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


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
