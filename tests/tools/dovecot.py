"""A real IMAP server for tests: Debian's Dovecot (dovecot-imapd, which .ci/run installs) on
loopback, started with a throw-away configuration: one passwd-file user, a self-signed
certificate for 127.0.0.1, a Maildir the test delivers into as a mail server would.

Used by the bounce reader's and posting by email's IMAP tests, each with its own user:

    @pytest.fixture(scope="module")
    def imap() -> Iterator[Imap]:
        with dovecot.running("someone", "a-password") as server:
            yield server
"""

from __future__ import annotations

import getpass
import mailbox
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"


@dataclass
class Imap:
    """A running server: `address` is `127.0.0.1:port`; `cert` is the authority to trust."""

    address: str
    cert: Path
    maildir: Path
    owner: tuple[int, int]
    user: str
    password: str

    @property
    def host(self) -> str:
        return self.address.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])

    def deliver(self, data: str | bytes, flags: str = "") -> None:
        """Drop a message into the user's inbox, as the mail server's delivery agent would;
        `flags` are Maildir's letters (`S` seen, `T` deleted), set as a mail client would."""
        self.maildir.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.maildir, create=True)
        message = mailbox.MaildirMessage(data.encode() if isinstance(data, str) else data)
        if flags:
            message.set_subdir("cur")
            message.set_flags(flags)
        box.add(message)
        box.close()
        if os.geteuid() == 0:  # Dovecot reads the mail as the mail user, not as root
            for path in [self.maildir.parent, *self.maildir.parent.rglob("*")]:
                os.chown(path, *self.owner)

    def count(self) -> int:
        """How many messages the inbox holds, whatever their flags."""
        return len(mailbox.Maildir(self.maildir, create=False)) if self.maildir.exists() else 0

    def empty(self) -> None:
        """Remove every message, so that tests sharing the server start alike."""
        if self.maildir.exists():
            mailbox.Maildir(self.maildir, create=False).clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    argv = ["openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    argv += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    argv += ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(argv, check=True, capture_output=True)
    return cert, key


def configuration(
    folder: Path, port: int, owner: tuple[int, int], user: str, password: str
) -> Path:
    cert, key = certificate(folder)
    (folder / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    # As root, Dovecot's own users run its parts; as anyone else, that user runs them all.
    internal, login = ("dovecot", "dovenull") if os.geteuid() == 0 else (getpass.getuser(),) * 2
    conf = folder / "dovecot.conf"
    conf.write_text(
        f"base_dir = {folder}/run\nstate_dir = {folder}/state\nlog_path = {folder}/dovecot.log\n"
        # No pause after a wrong password: the tests try one on purpose.
        f"protocols = imap\nlisten = 127.0.0.1\nauth_failure_delay = 0\nssl = required\n"
        f"ssl_cert = <{cert}\n"
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
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text() if log.exists() else "dovecot stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"dovecot did not listen on {port}: {log.read_text() if log.exists() else ''}")


@contextmanager
def running(user: str, password: str) -> Iterator[Imap]:
    """Dovecot serving IMAPS on a free loopback port, stopped and wiped afterwards."""
    # Not under pytest's own temporary folder, which only its owner may enter: Dovecot's
    # unprivileged processes read the certificate and the mail here.
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-dovecot-"))
    folder.chmod(0o755)
    account = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
    owner, port = (account.pw_uid, account.pw_gid), free_port()
    conf = configuration(folder, port, owner, user, password)
    server = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        wait_for(port, server, folder / "dovecot.log")
        maildir = folder / "home" / user / "Maildir"
        yield Imap(f"127.0.0.1:{port}", folder / "cert.pem", maildir, owner, user, password)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
