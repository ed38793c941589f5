"""`broadsheet postbyemail fetch` against a real IMAP server: Dovecot on loopback
(`tests/tools/dovecot.py`), mail delivered into its Maildir as the operator's mail server
would, and the command collecting it over TLS, as cron runs it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from broadsheet.blogs import actions
from broadsheet.blogs.models import Membership, PostByEmail
from broadsheet.media.models import UploadedImage
from broadsheet.posts.models import Post
from tests.studio.images import photo
from tests.tools import dovecot
from tests.tools.dovecot import Imap

pytestmark = pytest.mark.django_db
DOMAIN = "post.example.org"
USER, PASSWORD = "posting", "imap-posting-password"


@pytest.fixture(scope="module")
def server() -> Iterator[Imap]:
    with dovecot.running(USER, PASSWORD) as running:
        yield running


@pytest.fixture
def imap(server: Imap, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Imap:
    """The server, emptied, as the operator's settings name it, its certificate trusted."""
    server.empty()
    settings.POST_BY_EMAIL_DOMAIN = DOMAIN
    settings.POST_BY_EMAIL_IMAP_HOST, settings.POST_BY_EMAIL_IMAP_PORT = server.host, server.port
    settings.POST_BY_EMAIL_IMAP_USER, settings.POST_BY_EMAIL_IMAP_PASSWORD = USER, PASSWORD
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))  # our test authority, as an operator's
    return server


def box_of(blog: Any, admin: Any, publish: bool = True) -> PostByEmail:
    return actions.set_post_by_email(Membership.of(admin, blog), publish=publish)  # type: ignore[arg-type]


def mail(sender: str, box: PostByEmail, subject: str = "Leeks") -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = sender, subject
    message["To"] = message["Delivered-To"] = box.address
    message.set_content("Dib them *deep*.")
    message.add_attachment(
        photo(1200, 800, gps=True), maintype="image", subtype="jpeg", filename="leeks.jpg"
    )
    return message.as_bytes()


def fetch() -> str:
    out = io.StringIO()
    call_command("postbyemail", "fetch", stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("publish", [True, False], ids=["published", "kept-as-draft"])
def test_a_members_mail_becomes_a_post_with_its_photo_reencoded(
    imap: Imap, blog: Any, admin: Any, author: Any, publish: bool
) -> None:
    imap.deliver(mail("Ada <ada@example.com>", box_of(blog, admin, publish)))
    assert fetch() == "1 posted, 0 refused"
    post = Post.objects.get(title="Leeks")
    assert post.author == author and post.is_public() is publish
    assert "<em>deep</em>" in post.body_html and post.body_html.count("<img") == 1
    image = UploadedImage.objects.get()
    assert [v["width"] for v in image.variants] == [480, 960, 1200]
    with default_storage.open(image.variants[-1]["name"]) as stored:
        assert dict(Image.open(stored).getexif()) == {}  # the camera and the place are gone
    assert imap.count() == 0


def test_a_strangers_mail_is_refused_and_not_kept(
    imap: Imap, blog: Any, admin: Any, outsider: Any
) -> None:
    imap.deliver(mail("oscar@example.com", box_of(blog, admin)))
    assert fetch() == "0 posted, 1 refused"
    assert not Post.objects.exists() and not UploadedImage.objects.exists()
    assert imap.count() == 0


def test_fetched_mail_is_never_posted_twice(imap: Imap, blog: Any, admin: Any, author: Any) -> None:
    box = box_of(blog, admin)
    imap.deliver(mail("ada@example.com", box))
    # Taken by a run that stopped before expunging: marked deleted, then unread again.
    imap.deliver(mail("ada@example.com", box, subject="Taken before"), flags="T")
    assert fetch() == "1 posted, 0 refused"
    assert fetch() == "0 posted, 0 refused"
    assert list(Post.objects.values_list("title", flat=True)) == ["Leeks"]
    assert imap.count() == 0


def test_a_wrong_password_is_a_clear_error_and_the_mail_waits(
    imap: Imap, blog: Any, admin: Any, author: Any, settings: Any
) -> None:
    imap.deliver(mail("ada@example.com", box_of(blog, admin)))
    settings.POST_BY_EMAIL_IMAP_PASSWORD = "not-the-password"
    with pytest.raises(
        CommandError, match=f"from {imap.address}: .AUTHENTICATIONFAILED. Authentication failed"
    ):
        fetch()
    assert imap.count() == 1 and not Post.objects.exists()


def test_an_untrusted_certificate_gets_no_password(
    imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(CommandError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch()


def test_a_server_that_is_not_there_is_a_clear_error(imap: Imap, settings: Any) -> None:
    settings.POST_BY_EMAIL_IMAP_PORT = dovecot.free_port()
    with pytest.raises(CommandError, match=r"Could not collect mail from 127\.0\.0\.1:.*refused"):
        fetch()
