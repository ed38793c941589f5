"""Micropub, after micropub.rocks' server tests (numbers in the names), in our own words:
creating (1xx form, 2xx JSON, 3xx multipart), updating (4xx), deleting (5xx), queries (6xx),
the media endpoint (7xx) and signing in (8xx); then the token endpoint and the role rules."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from PIL import Image

from broadsheet.blogs import app_passwords
from broadsheet.posts.models import Post

pytestmark = pytest.mark.django_db


class Micropub:
    """A client of the default blog's /micropub with one app password."""

    def __init__(self, secret: str) -> None:
        self.client, self.secret = Client(HTTP_HOST="localhost"), secret
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def form(self, data: dict[str, Any], path: str = "/micropub") -> HttpResponse:
        return self.client.post(path, data, **self.auth)

    def json(self, data: dict[str, Any]) -> HttpResponse:
        body = json.dumps(data)
        return self.client.post("/micropub", body, content_type="application/json", **self.auth)

    def get(self, **query: Any) -> HttpResponse:
        return self.client.get("/micropub", query, **self.auth)


@pytest.fixture
def ada(blog: Any, author: Any) -> Micropub:
    return Micropub(app_passwords.create(author, "Quill", ["write"])[1])


def made(response: HttpResponse) -> Post:
    assert response.status_code == 201, response.content
    location = response["Location"]
    assert location.startswith("http")
    return Post.objects.order_by("-pk").first()  # type: ignore[return-value]


def image(kind: str = "PNG") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 40)).save(out, kind)
    out.seek(0)
    out.name = f"photo.{kind.lower()}"
    return out


# --- creating -------------------------------------------------------------------------------


def test_100_a_form_encoded_entry_is_published_at_its_location(ada: Micropub) -> None:
    response = ada.form({"h": "entry", "content": "Hello *world*"})
    post = made(response)
    assert post.is_public() and response["Location"].endswith(post.permalink)
    assert "<em>world</em>" in post.body_html
    assert Client().get(post.permalink, HTTP_HOST="localhost").status_code == 200


def test_101_and_107_categories_one_or_many_become_labels(ada: Micropub) -> None:
    many = made(ada.form({"h": "entry", "content": "x", "category[]": ["veg", "winter"]}))
    assert sorted(label.name for label in many.labels.all()) == ["veg", "winter"]
    one = made(ada.form({"h": "entry", "content": "y", "category": "veg"}))
    assert [label.name for label in one.labels.all()] == ["veg"]


def test_104_a_photo_by_address_is_shown_in_the_post(ada: Micropub) -> None:
    post = made(ada.form({"h": "entry", "content": "z", "photo": "https://example.com/a.jpg"}))
    assert 'src="https://example.com/a.jpg"' in post.body_html


def test_200_to_202_json_entries_with_names_categories_and_html(ada: Micropub) -> None:
    plain = made(ada.json({"type": ["h-entry"], "properties": {"content": ["Hi"]}}))
    assert plain.is_public() and "Hi" in plain.body_html
    props = {
        "name": ["Leeks"],
        "content": [{"html": "<p>Dib <b>them</b><script>x</script></p>"}],
        "category": ["veg", "garden"],
    }
    rich = made(ada.json({"type": ["h-entry"], "properties": props}))
    assert rich.title == "Leeks" and "<b>them</b>" in rich.body_html
    assert "<script>" not in rich.body_html and rich.labels.count() == 2


def test_203_to_206_photos_alt_text_and_a_nested_object(ada: Micropub) -> None:
    photos = [{"value": "https://example.com/b.jpg", "alt": "A leek"}, "https://example.com/c.jpg"]
    card = {"type": ["h-card"], "properties": {"name": ["Ada"]}}
    props = {"content": ["Look"], "photo": photos, "category": ["veg", card]}
    post = made(ada.json({"type": ["h-entry"], "properties": props}))
    assert 'alt="A leek"' in post.body_html and "c.jpg" in post.body_html
    assert [label.name for label in post.labels.all()] == ["veg"]


def test_300_and_301_uploaded_photos_become_images(ada: Micropub) -> None:
    post = made(ada.form({"h": "entry", "content": "Two", "photo[]": [image(), image("JPEG")]}))
    assert post.body_html.count("<img") == 2 and "/media/" in post.body_html


def test_a_draft_stays_a_draft(ada: Micropub) -> None:
    post = made(ada.form({"h": "entry", "content": "Later", "post-status": "draft"}))
    assert post.status == Post.Status.DRAFT and "/studio/" in post_url(ada, post)


def post_url(client: Micropub, post: Post) -> str:
    answer = client.get(q="source", url=f"http://localhost/studio/notes/posts/{post.pk}/")
    return str(answer.json()["properties"]["url"][0])


# --- updating -------------------------------------------------------------------------------


@pytest.fixture
def live(ada: Micropub) -> tuple[Post, str]:
    response = ada.form(
        {"h": "entry", "name": "Kale", "content": "Hardy", "category[]": ["a", "b"]}
    )
    return made(response), response["Location"]


def test_400_replace_changes_the_content(ada: Micropub, live: tuple[Post, str]) -> None:
    post, url = live
    response = ada.json({"action": "update", "url": url, "replace": {"content": ["Hardier"]}})
    assert response.status_code == 204
    post.refresh_from_db()
    assert "Hardier" in post.body_html and post.is_public()


def test_401_and_402_add_to_a_property_and_add_a_new_one(
    ada: Micropub, live: tuple[Post, str]
) -> None:
    post, url = live
    add = {"category": ["c"], "photo": ["https://example.com/k.jpg"]}
    assert ada.json({"action": "update", "url": url, "add": add}).status_code == 204
    assert sorted(label.name for label in post.labels.all()) == ["a", "b", "c"]
    post.refresh_from_db()
    assert "k.jpg" in post.body_html


def test_403_and_404_remove_a_value_and_a_property(ada: Micropub, live: tuple[Post, str]) -> None:
    post, url = live
    ada.json({"action": "update", "url": url, "delete": {"category": ["a"]}})
    assert [label.name for label in post.labels.all()] == ["b"]
    ada.json({"action": "update", "url": url, "delete": ["category"]})
    assert post.labels.count() == 0


def test_405_an_operation_that_is_not_an_object_of_arrays_is_refused(
    ada: Micropub, live: tuple[Post, str]
) -> None:
    post, url = live
    response = ada.json({"action": "update", "url": url, "replace": {"content": "not a list"}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    post.refresh_from_db()
    assert "Hardy" in post.body_html


def test_a_body_past_the_size_bound_is_refused_with_the_reason(
    ada: Micropub, live: tuple[Post, str], settings: Any
) -> None:
    settings.MAX_POST_BYTES = 1000
    post, url = live
    replace = {"action": "update", "url": url, "replace": {"content": ["x" * 1001]}}
    entry = {"type": ["h-entry"], "properties": {"content": [{"html": "x" * 1001}]}}
    for response in (ada.form({"h": "entry", "content": "x" * 1001}), ada.json(entry)):
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"
        assert "at most 1,000 bytes" in response.json()["error_description"]
    assert ada.json(replace).status_code == 400
    post.refresh_from_db()
    assert "Hardy" in post.body_html and Post.objects.count() == 1


def test_odd_json_is_refused_with_a_reason(ada: Micropub, live: tuple[Post, str]) -> None:
    _post, url = live
    for data in (
        {"action": ["update"], "url": url},
        {"action": "update", "url": ["x"]},
        {"type": "h-entry"},
        {"type": ["h-entry"], "properties": {"published": [5]}},
        {"type": ["h-entry"], "properties": {"photo": [{"value": 5}]}},
        {"action": "update", "url": url, "delete": "content"},
    ):
        answer = ada.json(data)
        assert answer.status_code in (400, 404), (data, answer.status_code)
        assert answer.json()["error"] in ("invalid_request", "not_found")


# --- deleting -------------------------------------------------------------------------------


def test_500_to_503_delete_and_undelete_form_and_json(
    ada: Micropub, live: tuple[Post, str]
) -> None:
    post, url = live
    assert ada.form({"action": "delete", "url": url}).status_code == 204
    post.refresh_from_db()
    assert post.status == Post.Status.TRASH
    assert ada.json({"action": "undelete", "url": url}).status_code == 204
    post.refresh_from_db()
    assert post.is_public()
    assert ada.json({"action": "delete", "url": url}).status_code == 204
    assert ada.form({"action": "undelete", "url": url}).status_code == 204


# --- queries and media ----------------------------------------------------------------------


def test_600_and_601_config_and_syndication_targets(ada: Micropub) -> None:
    config = ada.get(q="config").json()
    assert config["media-endpoint"].endswith("/micropub/media") and config["syndicate-to"] == []
    assert ada.get(q="syndicate-to").json() == {"syndicate-to": []}
    assert ada.get(q="nonsense").status_code == 400


def test_602_and_603_source_whole_and_chosen_properties(
    ada: Micropub, live: tuple[Post, str]
) -> None:
    _post, url = live
    whole = ada.get(q="source", url=url).json()
    assert whole["type"] == ["h-entry"] and whole["properties"]["name"] == ["Kale"]
    assert whole["properties"]["content"] == ["Hardy"]
    chosen = ada.get(q="source", url=url, **{"properties[]": ["category"]}).json()
    assert chosen == {"properties": {"category": ["a", "b"]}}


def test_700_an_image_on_the_media_endpoint_and_a_script_refused(ada: Micropub) -> None:
    for kind in ("JPEG", "PNG", "GIF"):
        response = ada.form({"file": image(kind)}, "/micropub/media")
        assert response.status_code == 201 and "/media/" in response["Location"]
    hostile = io.BytesIO(b"<svg onload=alert(1)>")
    hostile.name = "x.png"
    response = ada.form({"file": hostile}, "/micropub/media")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


# --- signing in -----------------------------------------------------------------------------


def test_800_and_801_the_token_in_the_header_or_the_body(blog: Any, author: Any) -> None:
    secret = app_passwords.create(author, "x", ["write"])[1]
    in_body = Client(HTTP_HOST="localhost").post(
        "/micropub", {"h": "entry", "content": "a", "access_token": secret}
    )
    assert in_body.status_code == 201


def test_802_to_804_no_wrong_or_read_only_token_stores_nothing(blog: Any, author: Any) -> None:
    nobody = Client(HTTP_HOST="localhost").post("/micropub", {"h": "entry", "content": "a"})
    assert nobody.status_code == 401 and nobody.json()["error"] == "unauthorized"
    wrong = Micropub("bsp_wrong").form({"h": "entry", "content": "a"})
    assert wrong.status_code == 401
    reading = Micropub(app_passwords.create(author, "r", ["read"])[1])
    refused = reading.form({"h": "entry", "content": "a"})
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert not Post.objects.exists()


def test_a_session_cookie_is_nobody(blog: Any, author: Any) -> None:
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(author)
    assert browser.post("/micropub", {"h": "entry", "content": "a"}).status_code == 401


# --- roles and blogs ------------------------------------------------------------------------


def test_a_contributor_saves_drafts_and_cannot_publish(blog: Any, contributor: Any) -> None:
    kit = Micropub(app_passwords.create(contributor, "x", ["write"])[1])
    refused = kit.form({"h": "entry", "content": "mine"})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert (
        made(kit.form({"h": "entry", "content": "mine", "post-status": "draft"})).is_public()
        is False
    )


def test_another_blog_and_its_posts_are_out_of_reach(
    other_blog: Any, outsider: Any, post: Any
) -> None:
    oscar = Micropub(app_passwords.create(outsider, "x", ["write"])[1])
    assert oscar.form({"h": "entry", "content": "a"}).status_code == 404
    url = f"http://localhost{post.permalink}"
    assert oscar.json({"action": "delete", "url": url}).status_code == 404
    post.refresh_from_db()
    assert post.is_public()


def test_the_home_page_names_the_endpoints(blog: Any, post: Any) -> None:
    home = Client().get("/", HTTP_HOST="localhost").content.decode()
    assert 'rel="micropub" href="http://localhost' in home and 'rel="token_endpoint"' in home


# --- the token endpoint ---------------------------------------------------------------------


def test_the_token_endpoint_says_whose_token_it_is_and_revokes_it(blog: Any, author: Any) -> None:
    secret = app_passwords.create(author, "Quill", ["write"])[1]
    client = Client(HTTP_HOST="localhost")
    said = client.get("/token", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert said["me"] == "http://localhost/" and said["client_id"] == "Quill"
    assert "create" in said["scope"]
    assert client.post("/token", {"token": secret}).json()["active"] is True
    assert client.post("/token", {"token": "bsp_nope"}).json() == {"active": False}
    assert client.post("/token", {"action": "revoke", "token": secret}).status_code == 200
    assert client.get("/token", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
