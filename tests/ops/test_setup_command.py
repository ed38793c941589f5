from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from broadsheet.blogs.models import Blog

pytestmark = pytest.mark.django_db


def run(**env: str) -> str:
    out = io.StringIO()
    call_command("setup", stdout=out)
    return out.getvalue()


def test_setup_loads_demo_and_prints_a_one_time_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_ADMIN_EMAIL", raising=False)
    first = run()
    assert Blog.objects.filter(slug="demo", is_default=True).exists()
    assert "Loaded the demo blog" in first
    password = first.split("with password ")[1].split()[0]
    assert User.objects.get(username="admin").check_password(password)
    second = run()
    assert "password" not in second.split("Sign in")[0] and "Loaded" not in second
    assert Blog.objects.count() == 1


def test_setup_creates_the_scripted_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_ADMIN_EMAIL", "ops@example.com")
    monkeypatch.setenv("BROADSHEET_ADMIN_PASSWORD", "a long and careful passphrase")
    out = run()
    user = User.objects.get(username="ops@example.com")
    assert user.is_superuser and user.check_password("a long and careful passphrase")
    assert "a long and careful passphrase" not in out
