"""The API's tests: the suite's cast (tests/conftest.py), each signed in with an app password."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from broadsheet.blogs import app_passwords
from broadsheet.blogs.models import Blog

ROOT = "/blogger/v3/"


class Api:
    """A client that sends an app password on every request, and JSON bodies."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path: str, **headers: Any) -> HttpResponse:
        return self.client.get(ROOT + path, **self.auth, **headers)

    def send(self, method: str, path: str, data: Any = None, **headers: Any) -> HttpResponse:
        payload = json.dumps(data) if data is not None else ""
        call = getattr(self.client, method.lower())
        return call(ROOT + path, payload, content_type="application/json", **self.auth, **headers)


ApiFor = Callable[..., Api]


@pytest.fixture
def api_for() -> ApiFor:
    """`api_for(user, scopes=("write",), blog=None)`: an `Api` signed in as `user`."""

    def make(user: User, scopes: tuple[str, ...] = ("write",), blog: Blog | None = None) -> Api:
        return Api(app_passwords.create(user, "Test", scopes, blog)[1])

    return make


def reason(response: HttpResponse) -> str:
    """The stable error code of a refusal."""
    return str(response.json()["error"]["errors"][0]["reason"])
