"""The Layout page: the blog's admins add, move, remove and set up gadgets; bad input is
explained beside its field with what was typed kept; nobody else gets in."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from broadsheet.blogs.layout import Gadget, gadgets_of
from broadsheet.blogs.layout_actions import stored_layout
from broadsheet.blogs.models import Blog
from tests.conftest import SignIn
from tests.studio.conftest import url
from tests.studio.images import photo
from tests.tools.vnu import VnuService, format_messages


def sidebar(blog: Blog) -> list[str]:
    return [g.kind for g in gadgets_of(blog) if g.area == "sidebar"]


def row(blog: Blog, kind: str) -> Gadget:
    return next(g for g in stored_layout(blog) if g.kind == kind)


def test_the_page_lists_each_area_with_its_buttons(blog: Blog, admin: User, signed_in: SignIn):
    page = signed_in(admin).get(url("layout", blog.slug)).content.decode()
    assert '<h2 id="area-sidebar">Sidebar</h2>' in page
    assert "Blog Archive" in page and "Follow by Email" in page
    assert '<span class="visually-hidden">: move Blog Archive up</span>' in page
    assert f'action="{url("gadget-remove", blog.slug, row(blog, "header").pk)}"' not in page


def test_an_admin_adds_a_text_gadget_and_sets_it_up(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    client = signed_in(admin)
    response = client.post(url("gadget-add", blog.slug), {"kind": "text", "area": "sidebar"})
    added = Gadget.objects.get(blog=blog, kind="text")
    assert response["Location"] == url("gadget", blog.slug, added.pk)
    response = client.post(response["Location"], {"title": "Hello", "text": "From Grace."})
    assert response.status_code == 302
    assert "From Grace." in Client().get("/").content.decode()


def test_moving_up_and_down_reorders_and_returns_to_the_gadget(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    follow = row(blog, "follow")
    response = signed_in(admin).post(url("gadget-move", blog.slug, follow.pk), {"direction": "up"})
    assert response["Location"] == url("layout", blog.slug) + f"#gadget-{follow.pk}"
    assert sidebar(blog)[-2:] == ["follow", "labels"]
    signed_in(admin).post(url("gadget-move", blog.slug, follow.pk), {"direction": "sideways"})
    assert sidebar(blog)[-2:] == ["follow", "labels"]


def test_removing_takes_the_gadget_off_the_blog(blog: Blog, admin: User, signed_in: SignIn):
    search = row(blog, "search")
    signed_in(admin).post(url("gadget-remove", blog.slug, search.pk))
    assert "search" not in sidebar(blog)
    assert 'id="w-search"' not in Client().get("/").content.decode()


def test_bad_options_are_explained_and_what_was_typed_is_kept(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    client = signed_in(admin)
    client.post(url("gadget-add", blog.slug), {"kind": "links", "area": "footer"})
    links = Gadget.objects.get(blog=blog, kind="links")
    typed = "Club | https://example.org/\nSneaky | javascript:alert(1)"
    response = client.post(url("gadget", blog.slug, links.pk), {"title": "Friends", "links": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Line 2 needs a name, a vertical bar and an http(s) address." in page
    assert "Sneaky | javascript:alert(1)</textarea>" in page and 'value="Friends"' in page
    links.refresh_from_db()
    assert links.config == {"links": []}


def test_popular_posts_options_refuse_out_of_range_numbers(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    popular = row(blog, "popular")
    data = {"title": "", "count": "99", "days": "30", "thumbnails": "on"}
    response = signed_in(admin).post(url("gadget", blog.slug, popular.pk), data)
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()


def test_a_second_archive_is_refused_with_a_reason(blog: Blog, admin: User, signed_in: SignIn):
    response = signed_in(admin).post(
        url("gadget-add", blog.slug), {"kind": "archive", "area": "footer"}
    )
    assert response.status_code == 400
    assert "already shows that gadget" in response.content.decode()


def test_an_image_gadget_stores_the_upload_and_asks_for_alt_text(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    client = signed_in(admin)
    client.post(url("gadget-add", blog.slug), {"kind": "image", "area": "sidebar"})
    image = Gadget.objects.get(blog=blog, kind="image")
    upload = SimpleUploadedFile("leek.jpg", photo(800, 600), "image/jpeg")
    response = client.post(url("gadget", blog.slug, image.pk), {"upload": upload, "alt": ""})
    assert "Describe the image for people who cannot see it." in response.content.decode()
    upload = SimpleUploadedFile("leek.jpg", photo(800, 600), "image/jpeg")
    client.post(url("gadget", blog.slug, image.pk), {"upload": upload, "alt": "A leek"})
    image.refresh_from_db()
    assert image.config["image"].startswith("/media/images/") and image.config["alt"] == "A leek"
    assert blog.images.get().alt == "A leek"  # stored as every upload is (media)
    upload = SimpleUploadedFile("notes.jpg", b"not an image", "image/jpeg")
    response = client.post(url("gadget", blog.slug, image.pk), {"upload": upload, "alt": "x"})
    assert response.status_code == 400 and blog.images.count() == 1


def test_authors_and_contributors_are_refused(
    blog: Blog, author: User, contributor: User, signed_in: SignIn
) -> None:
    for user in (author, contributor):
        assert signed_in(user).get(url("layout", blog.slug)).status_code == 403
        response = signed_in(user).post(url("gadget-add", blog.slug), {"kind": "text"})
        assert response.status_code == 403
    assert not Gadget.objects.filter(blog=blog).exists()


def test_another_blogs_gadget_is_not_found(
    blog: Blog, other_blog: Blog, admin: User, signed_in: SignIn
) -> None:
    theirs = row(other_blog, "search")
    response = signed_in(admin).post(url("gadget-remove", blog.slug, theirs.pk))
    assert response.status_code == 404
    assert signed_in(admin).get(url("gadget", blog.slug, theirs.pk)).status_code == 404


def test_wrong_method_and_missing_csrf_token(blog: Blog, admin: User, signed_in: SignIn):
    search = row(blog, "search")
    assert signed_in(admin).get(url("gadget-remove", blog.slug, search.pk)).status_code == 405
    assert signed_in(admin).post(url("layout", blog.slug)).status_code == 405
    strict = signed_in(admin, csrf=True)
    assert strict.post(url("gadget-remove", blog.slug, search.pk)).status_code == 403
    assert "search" in sidebar(blog)


def test_the_layout_pages_are_valid_html(
    blog: Blog, admin: User, signed_in: SignIn, vnu: VnuService
) -> None:
    client = signed_in(admin)
    for kind in ("text", "html", "image", "links", "subscribe"):
        client.post(url("gadget-add", blog.slug), {"kind": kind, "area": "footer"})
    pages = {"layout": client.get(url("layout", blog.slug)).content}
    for gadget in stored_layout(blog):
        pages[gadget.kind] = client.get(url("gadget", blog.slug, gadget.pk)).content
    links = row(blog, "links")
    bad = {"title": "x", "links": "no address"}
    pages["links with errors"] = client.post(url("gadget", blog.slug, links.pk), bad).content
    bad = {"kind": "nothing", "area": "sidebar"}
    pages["add with errors"] = client.post(url("gadget-add", blog.slug), bad).content
    failures = {
        name: format_messages(errors)
        for name, html in pages.items()
        if (errors := vnu.validate(html))
    }
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())


def test_the_header_sets_the_blogs_title_and_description_and_its_image(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    client, header = signed_in(admin), row(blog, "header")
    data = {"blog_title": "", "blog_description": "Now with leeks.", "alt": "Hills"}
    response = client.post(url("gadget", blog.slug, header.pk), data)
    assert response.status_code == 400 and "Now with leeks.</textarea>" in response.content.decode()
    data["blog_title"] = "Leek Notes"
    data["upload"] = SimpleUploadedFile("hills.jpg", photo(1200, 300), "image/jpeg")
    assert client.post(url("gadget", blog.slug, header.pk), data).status_code == 302
    html = Client().get("/").content.decode()
    assert '<a href="/">Leek Notes</a>' in html and 'class="blog-description"' not in html
    assert re.search(r'<img class="header-image" src="/media/images/[^"]+" alt="Hills">', html)
