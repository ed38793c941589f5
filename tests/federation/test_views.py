"""The public doors, driven over HTTP: discovery, the documents, and an inbox that answers
every hostile body with a 4xx and a JSON reason."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.federation import signatures
from broadsheet.federation.models import Follower, LocalActor
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakePost
from tests.federation.peer import Peer

AP = "application/activity+json"


@pytest.fixture
def public_post(make_post: MakePost) -> Post:
    return make_post(
        source="Frost.\n\n![leaf](https://images.example/leaf.png)", labels=("garden",)
    )


def test_webfinger_finds_the_blog_and_its_authors(
    client: Client, blog: Blog, author: User, public_post: Post
) -> None:
    found = client.get("/.well-known/webfinger", {"resource": "acct:notes@localhost"}).json()
    assert found["subject"] == "acct:notes@localhost"
    assert found["links"][0]["href"] == "http://localhost/ap/blog"
    ada = client.get("/.well-known/webfinger", {"resource": "acct:ada@localhost"}).json()
    assert ada["links"][0]["href"] == "http://localhost/ap/authors/ada"


def test_webfinger_knows_nobody_else(client: Client, blog: Blog, reader: User) -> None:
    for resource in ("acct:rita@localhost", "acct:notes@elsewhere.example", "", "acct:"):
        response = client.get("/.well-known/webfinger", {"resource": resource})
        assert response.status_code == 404 and "error" in response.json()


def test_a_member_who_never_published_answers_as_nobody_does(
    client: Client, make_post: MakePost, admin: User, author: User
) -> None:
    # Asking for names must not tell who may publish on a blog: only a member with a post
    # readers can see, or whose actor the fediverse already knows, is an author here.
    def answers(name: str) -> list[tuple[int, bytes]]:
        paths = [f"/ap/authors/{name}", f"/ap/authors/{name}/outbox"]
        found = [client.get(path, HTTP_ACCEPT=AP) for path in paths]
        found.append(client.get("/.well-known/webfinger", {"resource": f"acct:{name}@localhost"}))
        return [(r.status_code, r.content.replace(name.encode(), b"NAME")) for r in found]

    nobody = answers("nobody")
    assert [status for status, _ in nobody] == [404, 404, 404]
    assert answers(admin.username) == nobody  # an admin with no post
    draft = make_post(status=Post.Status.DRAFT)
    assert answers(author.username) == nobody  # a draft is no one's to see
    draft.status = Post.Status.PUBLISHED
    save_post(draft, now=NOON)
    assert [status for status, _ in answers(author.username)] == [200, 200, 200]
    draft.status = Post.Status.DRAFT  # known to the fediverse now: followers still find it
    save_post(draft, now=NOON)
    assert [status for status, _ in answers(author.username)] == [200, 200, 200]


def test_nodeinfo_names_the_software_and_the_protocol(client: Client, blog: Blog) -> None:
    href = client.get("/.well-known/nodeinfo").json()["links"][0]["href"]
    info = client.get(href.removeprefix("http://localhost")).json()
    assert info["software"]["name"] == "broadsheet" and info["protocols"] == ["activitypub"]


def test_the_actor_serves_its_public_key_and_never_the_private_one(
    client: Client, blog: Blog
) -> None:
    response = client.get("/ap/blog")
    doc = response.json()
    assert response["Content-Type"].startswith(AP)
    assert doc["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert doc["endpoints"]["sharedInbox"] == "http://localhost/ap/inbox"
    assert b"PRIVATE" not in response.content
    assert LocalActor.objects.get(user=None).private_key_pem.startswith("-----BEGIN PRIVATE KEY")


def test_a_private_blog_is_not_on_the_fediverse(client: Client, blog: Blog) -> None:
    Blog.objects.filter(pk=blog.pk).update(is_private=True)
    assert client.get("/ap/blog").status_code == 404
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:notes@localhost"}).status_code
        == 404
    )


def test_the_post_address_answers_json_to_those_who_ask(client: Client, public_post: Post) -> None:
    article = client.get(public_post.permalink, HTTP_ACCEPT=AP).json()
    assert (
        article["type"] == "Article" and article["id"] == "http://localhost" + public_post.permalink
    )
    assert article["tag"] == [
        {"type": "Hashtag", "name": "#garden", "href": "http://localhost/search/label/garden"}
    ]
    page = client.get(public_post.permalink)
    assert page["Content-Type"].startswith("text/html") and "Accept" in page["Vary"]


def test_outbox_and_followers_count(client: Client, public_post: Post) -> None:
    outbox = client.get("/ap/blog/outbox").json()
    assert (
        outbox["totalItems"] == 1
        and outbox["orderedItems"][0]["object"]["name"] == public_post.title
    )
    assert client.get("/ap/blog/followers").json()["totalItems"] == 0


def _signed(client: Client, body: bytes, signature: str = "") -> tuple[int, dict[str, str]]:
    headers = {"HTTP_SIGNATURE": signature} if signature else {}
    response = client.post("/ap/inbox", body, content_type=AP, **headers)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"type": 1}',
        b'{"type": "Create"}',
        b"[" * 100_000,
        b'{"type": "Follow", "actor": ["x"]}',
    ],
)
def test_hostile_bodies_get_a_4xx_with_a_reason(client: Client, blog: Blog, body: bytes) -> None:
    status, answer = _signed(client, body, 'keyId="http://127.0.0.1:9/actor#key",signature="AA=="')
    assert 400 <= status < 500 and answer["error"]


def test_an_unsigned_post_is_refused_before_it_is_read(client: Client, blog: Blog) -> None:
    assert _signed(client, b'{"type": "Follow", "actor": "https://x.example/a"}') == (
        401,
        {"error": "the request is not signed"},
    )


def test_an_oversized_body_is_refused(client: Client, blog: Blog) -> None:
    status, answer = _signed(client, b" " * 300_000, 'keyId="https://x.example/a#k"')
    assert status == 413 and "limited" in answer["error"]


def test_a_signer_we_cannot_fetch_is_refused(client: Client, blog: Blog) -> None:
    body = json.dumps({"type": "Follow", "actor": "http://127.0.0.1:9/actor"}).encode()
    _, private = signatures.new_key_pair()
    signed = signatures.sign_cavage(
        "POST", "http://testserver/ap/inbox", body, "http://127.0.0.1:9/actor#k", private
    )
    status, answer = _signed(client, body, signed["Signature"])
    assert status == 401 and "could not be fetched" in answer["error"]


def test_production_settings_never_let_federation_reach_loopback(settings: Any) -> None:
    from broadsheet import settings as production
    from broadsheet.federation import remote

    assert not hasattr(production, "FEDERATION_TEST_LOOPBACK")
    settings.FEDERATION_TEST_LOOPBACK = False
    assert remote.fetcher().allowed == ()


def test_the_operator_names_the_blogs_other_accounts(client: Client, blog: Blog) -> None:
    call_command(
        "fediverse", "aliases", "notes", "https://old.example/users/notes", stdout=StringIO()
    )
    assert client.get("/ap/blog").json()["alsoKnownAs"] == ["https://old.example/users/notes"]
    with pytest.raises(CommandError, match="https://"):
        call_command("fediverse", "move", "notes", "http://plain.example/u", stdout=StringIO())


def _post_signed(client: Client, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items() if k != "Host"}
    response = client.post("/ap/inbox", body, content_type=AP, **meta)
    return response.status_code, response.json()


def _follow_from(peer: Peer) -> bytes:
    follow = {"id": peer.id + "/f", "type": "Follow", "actor": peer.id}
    return json.dumps({**follow, "object": "http://localhost/ap/blog"}).encode()


def test_an_rfc_9421_signature_is_accepted(client: Client, blog: Blog, peer: Peer) -> None:
    body = _follow_from(peer)
    url = "http://testserver/ap/inbox"
    headers = signatures.sign_rfc9421("POST", url, body, peer.id + "#key", peer.private_pem)
    assert _post_signed(client, body, headers) == (202, {"result": "followed"})


def test_a_signature_by_another_key_is_refused(client: Client, blog: Blog, peer: Peer) -> None:
    body = _follow_from(peer)
    _, someone_else = signatures.new_key_pair()
    url = "http://testserver/ap/inbox"
    headers = signatures.sign_cavage("POST", url, body, peer.id + "#key", someone_else)
    status, answer = _post_signed(client, body, headers)
    assert status == 401 and answer["error"] == "the signature does not match"
    assert not Follower.objects.exists()
