"""A custom domain can only be a blog's own: one rule, through every way a domain gets set.

The class of names that are the site's or nobody's: the base domain and every host under it
(the default blog, another blog, a blog created later), another blog's custom domain in any
case and with a trailing dot, IP addresses in every form `inet_aton` reads, localhost names,
and anything that is not a host name. Each is refused by the model, the studio's settings
form (which says why and keeps what was typed), Django's admin and a backup restore.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from broadsheet.blogs.hosts import blog_for_host
from broadsheet.blogs.models import Blog, Membership
from broadsheet.portability.backup import export_backup
from broadsheet.portability.restore import restore_backup

pytestmark = pytest.mark.django_db

BASE = "blogs.example.net"
TAKEN = "taken.example.org"

OURS = [
    "blogs.example.net",
    "BLOGS.Example.NET.",
    "notes.blogs.example.net",  # the blog "notes"
    "later.blogs.example.net",  # a blog nobody has made yet
    "a.b.blogs.example.net",
]
ANOTHER_BLOGS = [
    "taken.example.org",
    "Taken.Example.ORG",
    "taken.example.org.",
    "TAKEN.EXAMPLE.ORG.",
]
# The names under another blog's domain are that domain owner's: with a wildcard record
# pointing here, a blog that claimed one would be served on someone else's name.
UNDER_ANOTHER_BLOG = [
    "shop.taken.example.org",
    "a.b.taken.example.org",
    "Shop.TAKEN.Example.org.",
    "shop\u3002taken\uff0eexample.org",  # ideographic and full-width full stops
    "\uff53hop.taken.example.org",  # a full-width letter
]
IP_LITERALS = [
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "0x7f.1",
    "2130706433",
    "0177.0.0.1",
    "10.0.0.1",
    "8.8.8.8",
    "8.8.8.8.",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "fe80::1%eth0",
    "2001:db8::1",
    "999.1.2.3",
    "\uff11\uff12\uff17.\uff10.\uff10.\uff11",  # full-width digits
    "127\u30020\u30020\u30021",  # ideographic full stops
]
LOCAL = ["localhost", "LocalHost.", "blog.localhost", "a.b.localhost"]
NOT_HOST_NAMES = [
    "http://notes.example.org",
    "https://notes.example.org/",
    "notes.example.org:8080",
    "notes.example.org/blog",
    "notes.example.org?x=1",
    "user@notes.example.org",
    "notes example.org",
    "notes..example.org",
    ".example.org",
    "-notes.example.org",
    "notes-.example.org",
    "under_score.example.org",
    "*.example.org",
    "ex!ample.org",
    "a" * 64 + ".example.org",
    "intranet",
    "example.123",
]
BAD = (
    [(name, "site's own address") for name in OURS]
    + [(name, "another blog's domain") for name in ANOTHER_BLOGS + UNDER_ANOTHER_BLOG]
    + [(name, "IP address") for name in IP_LITERALS]
    + [(name, "localhost") for name in LOCAL]
    + [(name, "domain name") for name in NOT_HOST_NAMES]
    + [(("a" * 60 + ".") * 5 + "org", "253 characters")]
)
GOOD = [
    ("notes.example.org", "notes.example.org"),
    ("Notes.Example.ORG.", "notes.example.org"),
    ("  notes.example.org  ", "notes.example.org"),
    ("b\u00fccher.example", "xn--bcher-kva.example"),
    ("\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "xn--e1afmkfd.xn--p1ai"),
    ("a-b.co.uk", "a-b.co.uk"),
    ("localhost.example.org", "localhost.example.org"),
    ("blogs.example.net.evil.org", "blogs.example.net.evil.org"),
    ("1e100.net", "1e100.net"),
    ("example.org", "example.org"),  # above another blog's domain, not under it
    ("nottaken.example.org", "nottaken.example.org"),
]


@pytest.fixture(autouse=True)
def base_domain(settings: Any) -> None:
    settings.BASE_DOMAIN = BASE


@pytest.fixture
def owner_of_taken(other_blog: Blog) -> Blog:
    Blog.objects.filter(pk=other_blog.pk).update(custom_domain=TAKEN)
    return other_blog


@pytest.fixture
def admin_client(blog: Blog) -> Client:
    user = User.objects.create_user("ada", "ada@example.com", "pw")
    Membership.objects.create(blog=blog, user=user, role=Membership.Role.ADMIN)
    client = Client()
    client.force_login(user)
    return client


def ids(rows: list[tuple[str, str]]) -> list[str]:
    return [row[0][:40] for row in rows]


@pytest.mark.parametrize(("domain", "says"), BAD, ids=ids(BAD))
def test_the_model_refuses_what_is_not_a_blogs_own_domain(
    blog: Blog, owner_of_taken: Blog, domain: str, says: str
) -> None:
    blog.custom_domain = domain
    with pytest.raises(ValidationError) as refused:
        blog.full_clean()
    messages = refused.value.message_dict["custom_domain"]
    assert says in " ".join(messages)
    assert len(messages) == len(set(messages))  # said once, though two paths check it


SETTINGS = {
    "title": "Field Notes",
    "slug": "notes",
    "time_zone": "UTC",
    "language": "en",
    "date_header_format": "l, F j, Y",
    "time_format": "g:i A",
    "posts_per_page": "7",
    "who_can_comment": "anyone",
    "moderation": "never",
    "moderation_after_days": "14",
    "feed_content": "full",
}


@pytest.mark.parametrize(("domain", "says"), BAD, ids=ids(BAD))
def test_the_settings_form_says_why_and_keeps_what_was_typed(
    blog: Blog, owner_of_taken: Blog, admin_client: Client, domain: str, says: str
) -> None:
    address = reverse("studio:blog-settings", args=[blog.slug])
    response = admin_client.post(address, SETTINGS | {"custom_domain": domain})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_custom_domain_error"' in page
    assert says in html.unescape(page)
    assert f'value="{html.escape(domain)}"' in page
    blog.refresh_from_db()
    assert blog.custom_domain is None


@pytest.mark.parametrize(("domain", "stored"), GOOD, ids=ids(GOOD))
def test_a_real_domain_is_saved_in_the_form_browsers_send(
    blog: Blog, owner_of_taken: Blog, admin_client: Client, domain: str, stored: str
) -> None:
    address = reverse("studio:blog-settings", args=[blog.slug])
    response = admin_client.post(address, SETTINGS | {"custom_domain": domain})
    assert response.status_code == 302
    blog.refresh_from_db()
    assert blog.custom_domain == stored
    assert blog_for_host(stored.upper() + ".") == blog


def admin_form(blog: Blog, domain: str) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("root", "root@example.com", "pw")
    form_class = admin.site._registry[Blog].get_form(request, blog)
    data = {key: value for key, value in model_to_dict(blog).items() if value is not None}
    return form_class(data=data | {"custom_domain": domain}, instance=blog)


@pytest.mark.parametrize(("domain", "says"), BAD, ids=ids(BAD))
def test_the_admin_refuses_the_same(
    blog: Blog, owner_of_taken: Blog, domain: str, says: str
) -> None:
    form = admin_form(blog, domain)
    assert not form.is_valid()
    assert says in " ".join(form.errors["custom_domain"])
    blog.refresh_from_db()
    assert blog.custom_domain is None


def test_the_admin_saves_a_real_domain_normalised(blog: Blog) -> None:
    form = admin_form(blog, "B\u00fccher.Example.")
    assert form.is_valid(), form.errors
    form.save()
    blog.refresh_from_db()
    assert blog.custom_domain == "xn--bcher-kva.example"


def backup_with_domain(blog: Blog, domain: str, tmp_path: Path) -> Path:
    out = io.BytesIO()
    export_backup(blog, out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    path = tmp_path / "backup.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "data.json":
                manifest = json.loads(data)
                manifest["blog"]["custom_domain"] = domain
                data = json.dumps(manifest).encode()
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("domain", "says"), BAD, ids=ids(BAD))
def test_a_restored_backup_is_held_to_the_same_rule(
    blog: Blog, owner_of_taken: Blog, tmp_path: Path, domain: str, says: str
) -> None:
    report = restore_backup("copy", backup_with_domain(blog, domain, tmp_path), site=True)
    restored = Blog.objects.get(slug="copy")
    assert restored.custom_domain is None
    assert any(says in warning for warning in report.warnings), report.warnings
    assert blog_for_host(TAKEN) == owner_of_taken


def test_a_restored_backup_keeps_a_real_domain(blog: Blog, tmp_path: Path) -> None:
    # Only the operator's restore sets a domain at all (a blog admin's leaves it out).
    restore_backup("copy", backup_with_domain(blog, "Copy.Example.org.", tmp_path), site=True)
    assert Blog.objects.get(slug="copy").custom_domain == "copy.example.org"


def test_an_admin_of_both_blogs_may_give_one_a_name_under_the_others(
    blog: Blog, owner_of_taken: Blog
) -> None:
    both = User.objects.create_user("both", "both@example.com", "pw")
    for each in (blog, owner_of_taken):
        Membership.objects.create(blog=each, user=both, role=Membership.Role.ADMIN)
    blog.custom_domain = "Shop.Taken.Example.org"
    blog.full_clean()
    blog.save()
    assert blog_for_host("shop.taken.example.org") == blog
    assert blog_for_host(TAKEN) == owner_of_taken


def test_an_author_of_the_other_blog_is_not_its_owner(blog: Blog, owner_of_taken: Blog) -> None:
    writer = User.objects.create_user("writer", "writer@example.com", "pw")
    Membership.objects.create(blog=blog, user=writer, role=Membership.Role.ADMIN)
    Membership.objects.create(blog=owner_of_taken, user=writer, role=Membership.Role.AUTHOR)
    blog.custom_domain = "shop.taken.example.org"
    with pytest.raises(ValidationError, match=r"under taken\.example\.org"):
        blog.full_clean()


def test_a_name_under_another_blogs_given_before_stays_through_other_settings(
    blog: Blog, owner_of_taken: Blog, admin_client: Client
) -> None:
    Blog.objects.filter(pk=blog.pk).update(custom_domain="shop.taken.example.org")
    address = reverse("studio:blog-settings", args=[blog.slug])
    changed = SETTINGS | {"title": "Renamed", "custom_domain": "shop.taken.example.org"}
    assert admin_client.post(address, changed).status_code == 302
    blog.refresh_from_db()
    assert (blog.title, blog.custom_domain) == ("Renamed", "shop.taken.example.org")


# The whole class, not the five spellings above: any names under another blog's domain, in
# any case, joined by any of the full stops IDNA reads as one, with or without a final dot.
FULL_STOPS = [".", "\u3002", "\uff0e", "\uff61"]
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # read-only examples
)
@given(
    labels=st.lists(LABEL, min_size=1, max_size=3),
    stops=st.lists(st.sampled_from(FULL_STOPS), min_size=6, max_size=6),
    upper=st.booleans(),
    final_dot=st.booleans(),
)
def test_no_spelling_of_a_name_under_another_blogs_domain_is_given(
    blog: Blog,
    owner_of_taken: Blog,
    labels: list[str],
    stops: list[str],
    upper: bool,
    final_dot: bool,
) -> None:
    parts = [*labels, *TAKEN.split(".")]
    name = "".join(part + stop for part, stop in zip(parts, stops, strict=False)).rstrip(
        "".join(FULL_STOPS)
    ) + ("." if final_dot else "")
    blog.custom_domain = name.upper() if upper else name
    with pytest.raises(ValidationError, match="another blog's domain"):
        blog.full_clean()
