"""`{{ user|display_name }}` in templates: the one naming rule (`blogs.people`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from broadsheet.blogs import people

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

register = template.Library()


@register.filter(name="display_name")
def display_name(user: AbstractBaseUser | None) -> str:
    return people.display_name(user)
