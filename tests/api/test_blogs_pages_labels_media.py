"""The blogs, users, pages and labels resources, and image uploads."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from broadsheet.media.models import UploadedImage
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page
from tests.api.conftest import reason
from tests.studio.images import photo


def test_a_blog_by_id_by_url_and_the_callers_blogs(blog, other_blog, author, api_for):
    api = api_for(author)
    found = api.get(f"blogs/{blog.pk}").json()
    assert found["kind"] == "blogger#blog" and found["name"] == "Field Notes"
    assert api.get("blogs/byurl?url=http://localhost/").json()["id"] == str(blog.pk)
    # Another Blog exists, but Ada does not write on it: no such blog, for her.
    assert api.get("blogs/byurl?url=http://other.localhost/").status_code == 404
    assert reason(api.get("blogs/byurl?url=not a url")) == "invalid"
    mine = api.get("users/self/blogs").json()["items"]
    assert [b["id"] for b in mine] == [str(blog.pk)]
    assert api.get("users/self").json()["displayName"] == "Ada Byron"
    assert api.get("users/12").status_code == 404


def test_basic_authentication_works_for_simple_clients(blog, author, api_for):
    from broadsheet.blogs import app_passwords

    _, secret = app_passwords.create(author, "curl", ["read"])
    header = "Basic " + base64.b64encode(f"ada:{secret}".encode()).decode()
    api = api_for(author)
    answer = api.client.get(f"/blogger/v3/blogs/{blog.pk}", HTTP_AUTHORIZATION=header)
    assert answer.status_code == 200


def test_pages_live_to_members_drafts_to_admins(blog, admin, author, api_for):
    live = save_page(Page(blog=blog, title="About", source="Us.", status=Page.Status.PUBLISHED))
    save_page(Page(blog=blog, title="Soon", source="x"))
    listed = api_for(author).get(f"blogs/{blog.pk}/pages?status=live,draft").json()["items"]
    assert [p["title"] for p in listed] == ["About"]
    everything = api_for(admin).get(f"blogs/{blog.pk}/pages?status=live,draft").json()["items"]
    assert sorted(p["status"] for p in everything) == ["DRAFT", "LIVE"]
    one = api_for(author).get(f"blogs/{blog.pk}/pages/{live.pk}").json()
    assert one["kind"] == "blogger#page" and one["content"].strip() == "<p>Us.</p>"


def test_labels_count_live_posts(blog, author, make_post, api_for):
    make_post("One", labels=("garden",))
    make_post("Two", labels=("garden", "leeks"), status="draft", published_at=None)
    items = api_for(author).get(f"blogs/{blog.pk}/labels").json()["items"]
    assert {i["name"]: i["totalItems"] for i in items} == {"garden": 1, "leeks": 0}


def test_labels_come_a_page_at_a_time_each_counted(blog, author, make_post, api_for, monkeypatch):
    """Past a page the list says where to go on (before, labels past the first thousand were
    left out, with no token); a page of 1,000 lowered to 2 here."""
    from broadsheet.api.views import extras

    monkeypatch.setattr(extras, "LABELS_PER_PAGE", 2)
    make_post("One", labels=("apples", "beans", "chard"))
    make_post("Two", labels=("beans", "dill", "endive"))
    make_post("Three", labels=("endive",), status="draft", published_at=None)
    api, seen, token = api_for(author), [], ""
    for _ in range(3):
        answer = api.get(f"blogs/{blog.pk}/labels{token}").json()
        assert answer["kind"] == "broadsheet#labelList" and len(answer["items"]) <= 2
        seen += [(item["name"], item["totalItems"]) for item in answer["items"]]
        token = f"?pageToken={answer['nextPageToken']}" if "nextPageToken" in answer else ""
    assert token == ""
    assert seen == [("apples", 1), ("beans", 2), ("chard", 1), ("dill", 1), ("endive", 1)]
    one = api.get(f"blogs/{blog.pk}/labels?maxResults=1").json()
    assert [item["name"] for item in one["items"]] == ["apples"] and one["nextPageToken"]
    for bad in ("maxResults=3", "maxResults=0", "pageToken=nonsense"):
        assert api.get(f"blogs/{blog.pk}/labels?{bad}").status_code == 400


def test_an_image_upload_is_stored_as_the_studio_stores_it(blog, author, api_for):
    api = api_for(author)
    upload = SimpleUploadedFile("leeks.jpg", photo(800, 600), "image/jpeg")
    answer = api.client.post(
        f"/blogger/v3/blogs/{blog.pk}/media", {"image": upload, "alt": "Leeks"}, **api.auth
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["width"] == 800 and UploadedImage.objects.get().alt == "Leeks"
    raw = api.client.post(
        f"/blogger/v3/blogs/{blog.pk}/media?name=x.jpg",
        photo(300, 200),
        content_type="image/jpeg",
        **api.auth,
    )
    assert raw.status_code == 200
    bad = api.client.post(
        f"/blogger/v3/blogs/{blog.pk}/media", b"not an image", content_type="image/png", **api.auth
    )
    assert bad.status_code == 400 and reason(bad) == "invalid"
    text = api.send("POST", f"blogs/{blog.pk}/media", {"image": "x"})
    assert text.status_code == 415


def test_admins_write_pages_and_authors_are_refused(blog, admin, author, api_for):
    grace = api_for(admin)
    made = grace.send(
        "POST",
        f"blogs/{blog.pk}/pages?isDraft=true",
        {"title": "Contact", "content": "<p>Write.</p>"},
    )
    assert made.status_code == 200 and made.json()["status"] == "DRAFT"
    pk = made.json()["id"]
    assert grace.send("POST", f"blogs/{blog.pk}/pages/{pk}/publish").json()["status"] == "LIVE"
    patched = grace.send("PATCH", f"blogs/{blog.pk}/pages/{pk}", {"title": "Contact us"})
    assert patched.json()["title"] == "Contact us" and patched.json()["status"] == "LIVE"
    refused = api_for(author).send("PATCH", f"blogs/{blog.pk}/pages/{pk}", {"title": "Mine"})
    assert refused.status_code == 403 and reason(refused) == "forbidden"
    assert api_for(author).send("POST", f"blogs/{blog.pk}/pages", {"title": "X"}).status_code == 403
    assert grace.send("POST", f"blogs/{blog.pk}/pages/{pk}/revert").json()["status"] == "DRAFT"
    assert grace.send("DELETE", f"blogs/{blog.pk}/pages/{pk}").status_code == 204
    assert Page.objects.get(pk=pk).status == Page.Status.TRASH
