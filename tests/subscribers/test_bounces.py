"""Bounces and complaints suppress addresses: a real DSN in an mbox, an ARF report, the webhook."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from broadsheet.subscribers.models import Suppression

pytestmark = pytest.mark.django_db

DSN = """\
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: broadsheet@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 3 Mar 2025 10:00:00 +0000

Final-Recipient: rfc822; Gone@Example.org
Original-Recipient: rfc822;gone@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected

Final-Recipient: rfc822; full@example.org
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

--B
Content-Type: text/rfc822-headers

From: Field Notes <broadsheet@localhost>
To: gone@example.org
Subject: [Field Notes] Spring sowing

--B--
"""

ARF = """\
From: feedback@isp.example
To: abuse@localhost
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="A"

--A
Content-Type: text/plain

This is an email abuse report.

--A
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1

--A
Content-Type: message/rfc822

From: Field Notes <broadsheet@localhost>
To: angry@example.org
Subject: [Field Notes] Spring sowing

Hello.
--A--
"""


def mbox_of(tmp_path: Path, *texts: str) -> str:
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(str(path))
    for text in texts:
        box.add(text.encode())
    human = EmailMessage()
    human["From"], human["To"], human["Subject"] = "pal@example.org", "x@localhost", "Hi"
    human.set_content("Just saying hello.")
    box.add(human)
    box.close()
    return str(path)


def test_a_hard_bounce_and_a_complaint_suppress_and_nothing_else_does(tmp_path: Path) -> None:
    call_command("subscribers", "bounces", "--mbox", mbox_of(tmp_path, DSN, ARF))
    found = dict(Suppression.objects.values_list("email", "reason"))
    assert found == {"gone@example.org": "bounce", "angry@example.org": "complaint"}


def test_a_missing_mailbox_is_a_clear_error(tmp_path: Path) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No such mailbox"):
        call_command("subscribers", "bounces", "--mbox", str(tmp_path / "nope"))


def test_the_webhook_suppresses_with_the_secret_token(settings: Any, blog: Any) -> None:
    settings.NEWSLETTER_WEBHOOK_TOKEN = "s3cret"
    body = {
        "events": [
            {"type": "bounce", "email": "hard@example.org", "permanent": True},
            {"type": "bounce", "email": "soft@example.org", "permanent": False},
            {"type": "complaint", "email": "spam@example.org"},
        ]
    }
    client, url = Client(), "/follow-by-email/bounces"
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 403
    bad = client.post(url, "{", content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret")
    assert bad.status_code == 400
    ok = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret"
    )
    assert ok.json() == {"suppressed": 2}
    assert set(Suppression.objects.values_list("email", flat=True)) == {
        "hard@example.org",
        "spam@example.org",
    }


def test_the_webhook_is_off_without_a_token(blog: Any) -> None:
    assert (
        Client().post("/follow-by-email/bounces", "{}", content_type="application/json").status_code
        == 404
    )
