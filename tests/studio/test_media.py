"""Uploaded media served by the app itself (the embedded set-up)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client


def test_media_are_served_with_long_caching(db):
    name = default_storage.save("images/test/abc/pic-480.jpg", ContentFile(b"\xff\xd8jpeg"))
    response = Client().get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg"
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_missing_files_and_escapes_are_404(db):
    assert Client().get("/media/images/nothing.jpg").status_code == 404
    # A path out of MEDIA_ROOT is refused (Django's safe_join: 400 Bad Request).
    assert Client().get("/media/../secret_key").status_code in (400, 404)
    assert Client().get("/media/%2e%2e/secret_key").status_code in (400, 404)
    assert Client().get("/media/images/%2e%2e/%2e%2e/secret_key").status_code == 400


def test_media_serving_can_be_turned_off(db, settings):
    name = default_storage.save("images/test/off.jpg", ContentFile(b"x"))
    settings.SERVE_MEDIA = False
    assert Client().get(f"/media/{name}").status_code == 404


def test_media_are_read_only(db):
    name = default_storage.save("images/test/ro.jpg", ContentFile(b"x"))
    assert Client().post(f"/media/{name}").status_code == 405
