"""Static pages: the list and the same editor as posts, for admins."""

from __future__ import annotations

from broadsheet.posts.models import Page
from tests.studio.conftest import url, write_page


def page_data(**overrides):
    return {
        "title": "About",
        "source": "Who **we** are.",
        "source_format": "markdown",
        "permalink": "",
        "intent": "draft",
    } | overrides


def test_page_list_shows_pages_and_their_addresses(blog, admin, signed_in):
    write_page(blog, "Contact")
    page = signed_in(admin).get(url("page-list", blog.slug)).content.decode()
    assert "Contact" in page and "/p/contact.html" in page


def test_publish_a_page(blog, admin, signed_in, client):
    response = signed_in(admin).post(
        url("page-new", blog.slug), page_data(intent="publish", permalink="about-us")
    )
    page = Page.objects.get()
    assert response["Location"] == url("page-edit", blog.slug, page.pk)
    assert (page.status, page.slug) == ("published", "about-us")
    assert b"<strong>we</strong>" in client.get("/p/about-us.html").content


def test_the_page_editor_is_the_post_editor_without_post_settings(blog, admin, signed_in):
    page = signed_in(admin).get(url("page-new", blog.slug)).content.decode()
    assert (
        ">Title</label>" in page and ">Body</label>" in page and ">Custom permalink</label>" in page
    )
    assert ">Labels</label>" not in page and 'value="schedule"' not in page


def test_page_bad_input_is_explained_and_kept(blog, admin, signed_in):
    write_page(blog, "About")
    client = signed_in(admin)
    empty = client.post(url("page-new", blog.slug), page_data(title="", source="Kept body"))
    assert (
        empty.status_code == 400
        and b"Give the page a title." in empty.content
        and b"Kept body" in empty.content
    )
    taken = client.post(url("page-new", blog.slug), page_data(title="Other", permalink="about"))
    assert (
        taken.status_code == 400
        and b"Another page already has the address /p/about.html" in taken.content
    )
    assert client.post(url("page-new", blog.slug), page_data(intent="schedule")).status_code == 400
    assert Page.objects.count() == 1


def test_edit_a_page_and_unpublish_it(blog, admin, signed_in):
    page = write_page(blog, "About", status="published")
    client = signed_in(admin)
    assert b"Revert to draft" in client.get(url("page-edit", blog.slug, page.pk)).content
    client.post(url("page-edit", blog.slug, page.pk), page_data(title="About us", intent="draft"))
    page.refresh_from_db()
    assert (page.title, page.status, page.slug) == ("About us", "draft", "about")


def test_another_blogs_page_is_404_and_authors_are_refused(
    blog, other_blog, admin, author, signed_in
):
    theirs = write_page(other_blog, "Theirs")
    assert signed_in(admin).get(url("page-edit", blog.slug, theirs.pk)).status_code == 404
    assert (
        signed_in(admin).post(url("page-edit", blog.slug, theirs.pk), page_data()).status_code
        == 404
    )
    assert signed_in(author).post(url("page-new", blog.slug), page_data()).status_code == 403
    assert Page.objects.count() == 1


def test_page_editor_method_and_csrf(blog, admin, signed_in):
    page = write_page(blog)
    assert signed_in(admin).put(url("page-edit", blog.slug, page.pk)).status_code == 405
    assert signed_in(admin).post(url("page-list", blog.slug)).status_code == 405
    assert (
        signed_in(admin, csrf=True).post(url("page-new", blog.slug), page_data()).status_code == 403
    )
