"""Under production settings (HTTPS on, a fresh install), the session and CSRF cookies that a
real sign-in sets are Secure, HttpOnly and SameSite; reader pages set none at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client

call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
User.objects.create_user("grace", "grace@example.com", "a-long-enough-password")
client = Client(HTTP_HOST="localhost")
page = client.get("/studio/login/", secure=True)
signed_in = client.post(
    "/studio/login/",
    {"username": "grace", "password": "a-long-enough-password",
     "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
    secure=True,
)
reader = Client(HTTP_HOST="localhost").get("/", secure=True)
plain = Client(HTTP_HOST="localhost").get("/studio/login/")
cookies = {}
for response in (page, signed_in):
    for name, morsel in response.cookies.items():
        cookies[name] = {key: morsel[key] for key in ("secure", "httponly", "samesite")}
print(json.dumps({
    "cookies": cookies,
    "signed_in": signed_in.status_code,
    "reader_cookies": list(reader.cookies),
    "plain_http": [plain.status_code, plain.get("Location", "")],
    "hsts": page.get("Strict-Transport-Security", ""),
}))
"""


def test_production_cookies_are_secure_httponly_and_samesite(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "BROADSHEET_HTTPS": "true",
        "BROADSHEET_SECRET_KEY": "production-like-" + "k" * 50,
        "BROADSHEET_STATIC_FROM_SOURCE": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["signed_in"] == 302
    cookies = found["cookies"]
    assert {"sessionid", "csrftoken"} <= set(cookies), cookies
    for name in ("sessionid", "csrftoken"):
        assert cookies[name]["secure"] is True, (name, cookies[name])
        assert cookies[name]["httponly"] is True, (name, cookies[name])
        assert cookies[name]["samesite"] in ("Lax", "Strict"), (name, cookies[name])
    assert found["reader_cookies"] == []
    assert found["plain_http"][0] == 301 and found["plain_http"][1].startswith("https://")
    assert "max-age=31536000" in found["hsts"]
