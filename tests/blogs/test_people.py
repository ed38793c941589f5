"""The one rule for a person's shown name (`blogs.people`): never an e-mail address."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from broadsheet.blogs.models import Profile
from broadsheet.blogs.people import display_name, shown_name
from tests.cast import member

pytestmark = pytest.mark.django_db


def test_the_display_name_comes_first_then_the_full_name_then_the_username():
    ada = member(None, "ada", first_name="Ada", last_name="Byron")
    assert display_name(ada) == "Ada Byron"
    Profile.objects.create(user=ada, display_name="Countess of Lovelace")
    assert display_name(User.objects.get(pk=ada.pk)) == "Countess of Lovelace"
    assert display_name(member(None, "kit")) == "kit"


def test_a_username_that_is_an_address_is_shown_without_its_domain():
    # `broadsheet setup` makes the first admin with their address as username.
    admin = member(None, "grace.hopper@example.com")
    assert display_name(admin) == "grace.hopper"
    assert "@" not in display_name(admin)


def test_addresses_inside_a_name_are_cut_too():
    assert shown_name("", "Ada <ada@example.com>", "ada") == "Ada <ada>"
    assert shown_name("  ", " ", "root@localhost") == "root"
    assert shown_name("Tea @ Five", "", "x") == "Tea @ Five"


def test_nobody_has_no_name():
    assert display_name(None) == ""
    assert display_name(AnonymousUser()) == ""
