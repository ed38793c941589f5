"""Posting by email, end to end over real SMTP on loopback: the receiver `broadsheet
postbyemail serve` runs (aiosmtpd), a member mails the blog's secret address with smtplib,
and the post appears; strangers, unknown addresses and hostile attachments are refused."""

from __future__ import annotations

import io
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from broadsheet.api import mail_in
from broadsheet.api.mail_server import controller
from broadsheet.blogs import actions
from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Membership, PostByEmail
from broadsheet.media.models import UploadedImage
from broadsheet.posts.models import Post

DOMAIN = "post.example.org"
pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings: Any) -> Iterator[int]:
    """The receiver on a free loopback port."""
    settings.POST_BY_EMAIL_DOMAIN = DOMAIN
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = controller("127.0.0.1", port)
    receiver.start()
    yield port
    receiver.stop()


@pytest.fixture
def box(smtp: int, blog: Any, admin: Any) -> PostByEmail:
    return actions.set_post_by_email(Membership.of(admin, blog), publish=True)  # type: ignore[arg-type]


def message(sender: str, to: str, subject: str = "Leeks", html: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail.set_content("Dib them *deep*.")
    if html:
        mail.add_alternative(html, subtype="html")
    return mail


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 40)).save(out, "PNG")
    return out.getvalue()


def send(port: int, mail: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(mail)


def test_a_members_mail_is_published_with_its_images(
    smtp: int, box: PostByEmail, author: Any
) -> None:
    mail = message(
        "Ada <ada@example.com>", box.address, html="<p>Dib <b>them</b><script>x()</script></p>"
    )
    mail.add_attachment(png(), maintype="image", subtype="png", filename="leeks.png")
    mail.add_attachment(b"<svg onload=alert(1)>", maintype="image", subtype="png", filename="x.png")
    send(smtp, mail)
    post = Post.objects.get(title="Leeks")
    assert post.is_public() and post.author == author
    assert "<b>them</b>" in post.body_html and "<script>" not in post.body_html
    assert post.body_html.count("<img") == 1 and UploadedImage.objects.count() == 1


def test_a_blog_that_keeps_drafts_and_the_plus_address(
    smtp: int, blog: Any, admin: Any, author: Any
) -> None:
    found = actions.set_post_by_email(Membership.of(admin, blog), publish=False)  # type: ignore[arg-type]
    send(smtp, message("ada@example.com", f"notes+{found.secret}@{DOMAIN}"))
    post = Post.objects.get(title="Leeks")
    assert post.status == Post.Status.DRAFT and "<em>deep</em>" in post.body_html


def test_a_contributors_mail_is_a_draft(smtp: int, box: PostByEmail, contributor: Any) -> None:
    send(smtp, message("kit@example.com", box.address))
    assert Post.objects.get(title="Leeks").status == Post.Status.DRAFT


def test_a_stranger_is_refused_and_nothing_is_kept(
    smtp: int, box: PostByEmail, outsider: Any
) -> None:
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(smtp, message("oscar@example.com", box.address))
    assert refused.value.smtp_code == 550 and not Post.objects.exists()


@pytest.mark.parametrize(
    ("bound", "text"),
    [(1000, 1001), (200, 180)],
    ids=["past it by its text", "past it once the image lines are added"],
)
def test_a_body_past_the_size_bound_is_refused_with_the_reason_and_keeps_nothing(
    smtp: int, box: PostByEmail, author: Any, settings: Any, bound: int, text: int
) -> None:
    # Past the bound by its text alone, or only once the line each stored image adds is
    # counted: refused with the reason, and no image is left behind in media either.
    settings.MAX_POST_BYTES = bound
    mail = message("ada@example.com", box.address, html="<p>" + "x" * text + "</p>")
    mail.add_attachment(png(), maintype="image", subtype="png", filename="leeks.png")
    before = files_in(settings.MEDIA_ROOT)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(smtp, mail)
    reason = f"at most {bound:,} bytes".encode()
    assert refused.value.smtp_code == 550 and reason in refused.value.smtp_error
    assert not Post.objects.exists() and not UploadedImage.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == before


def files_in(folder: str) -> set[Path]:
    return {path for path in Path(folder).rglob("*") if path.is_file()}


def test_an_unknown_or_rotated_address_is_refused_at_once(
    smtp: int, box: PostByEmail, admin: Any, author: Any
) -> None:
    old = box.address
    rotated = actions.set_post_by_email(Membership.of(admin, box.blog), publish=True, rotate=True)  # type: ignore[arg-type]
    assert rotated.address != old
    for address in (old, f"nobody@{DOMAIN}", "someone@elsewhere.example"):
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send(smtp, message("ada@example.com", address))
    assert not Post.objects.exists()


def test_only_admins_set_it_up(blog: Any, author: Any) -> None:
    with pytest.raises(NotAllowed):
        actions.set_post_by_email(Membership.of(author, blog), publish=True)  # type: ignore[arg-type]


def test_a_message_fetched_from_a_mailbox_finds_its_blog_by_its_headers(
    box: PostByEmail, author: Any
) -> None:
    # What `postbyemail fetch` does with each message IMAP hands it: the envelope is gone,
    # so the recipients come from Delivered-To, To and Cc.
    mail = message("ada@example.com", "list@example.org")
    mail["Delivered-To"] = box.address
    raw = mail.as_bytes()
    made = mail_in.receive(raw, mail_in.recipients_of(mail_in.read(raw)))
    assert [post.title for post in made] == ["Leeks"]
