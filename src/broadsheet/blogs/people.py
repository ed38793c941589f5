"""The one rule for the name a person is shown by, everywhere: bylines, feeds, JSON-LD,
comment threads and notices, the studio's member lists, the Profile gadget.

The display name from their profile, else their full name, else their username; and never an
e-mail address. `broadsheet setup` makes the first admin with their address as username, so
without the last step every byline of a fresh install printed the admin's address (issue 14).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from broadsheet.blogs.models import Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Person = AbstractBaseUser | AnonymousUser


# Something@something with no space: an address, wherever it sits in the name.
_ADDRESS = re.compile(r"([^\s@<>]+)@[^\s@<>]+")


def display_name(user: Person | None) -> str:
    """The name `user` is shown by ("" for nobody). Reads `user.profile`: querysets that show
    many people load it with `select_related("…__profile")`, so a list costs no query each."""
    if user is None:
        return ""
    profile = loaded_profile(user)
    full = getattr(user, "get_full_name", lambda: "")()
    return shown_name(profile.display_name if profile else "", full, user.get_username())


def shown_name(display: str, full: str, username: str) -> str:
    """The first of the three that is not blank, with every address cut to the part before
    its `@`: usernames may be addresses, and a profile's name is refused if it looks like one."""
    name = next((n for n in (display.strip(), full.strip(), username.strip()) if n), "")
    return _ADDRESS.sub(r"\1", name)


def looks_like_address(name: str) -> bool:
    return _ADDRESS.search(name) is not None


def loaded_profile(user: Person) -> Profile | None:
    """The user's profile, or None when they have not made one (no error, no row created)."""
    if user.pk is None:  # the anonymous visitor, or an account not saved yet
        return None
    found: Profile | None = getattr(user, "profile", None)
    return found


def profile_of(user: AbstractBaseUser) -> Profile:
    """The user's profile, unsaved and empty when they have none yet."""
    return loaded_profile(user) or Profile(user=user)  # type: ignore[misc]
