"""A post's label bounds (Blogger's 20 labels, 200 characters) and the stored folded name that
label addresses are matched by."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import Content, Intent, write_post
from broadsheet.posts.labels import MAX_PER_POST, problem, within_bounds
from broadsheet.posts.models import Label, Post
from tests.conftest import NOON


def test_twenty_labels_fit_and_a_twenty_first_does_not() -> None:
    names = [f"l{i}" for i in range(MAX_PER_POST)]
    assert problem(names) is None
    assert problem([*names, "one more"]) == "A post can have at most 20 labels; this one has 21."


def test_the_character_limit_counts_commas_and_spaces_as_blogger_does() -> None:
    assert problem(["x" * 99, "y" * 99]) is None  # 99 + 2 + 99 = 200
    message = problem(["x" * 99, "y" * 100])
    assert message is not None and "at most 200 characters together" in message


def test_an_import_keeps_the_first_labels_that_fit() -> None:
    names = [*(f"tag{i}" for i in range(25))]
    kept, dropped = within_bounds(names)
    assert kept == names[:20] and dropped == names[20:]
    # Past 200 characters a long label is dropped, and a shorter one after it still fits.
    kept, dropped = within_bounds(["a" * 150, "b" * 50, "c" * 40])
    assert kept == ["a" * 150, "c" * 40] and dropped == ["b" * 50]


@pytest.mark.django_db
def test_the_editor_action_refuses_too_many_labels_and_writes_nothing(
    blog: Blog, author: object
) -> None:
    member = Membership.objects.get(blog=blog)
    content = Content(title="Tagged", source="Body", labels=tuple(f"t{i}" for i in range(21)))

    with pytest.raises(ValidationError) as refused:
        write_post(member, None, content, Intent.PUBLISH, now=NOON)

    assert refused.value.message_dict == {
        "labels": ["A post can have at most 20 labels; this one has 21."]
    }
    assert not Post.objects.exists() and not Label.objects.exists()


@pytest.mark.django_db
def test_every_way_of_making_a_label_stores_its_folded_name(blog: Blog) -> None:
    saved = Label.objects.create(blog=blog, name="Straße")
    bulk = Label.objects.bulk_create([Label(blog=blog, name="ΣΊΣΥΦΟΣ")])[0]
    assert saved.folded == "strasse"
    assert Label.objects.get(pk=bulk.pk).folded == "σίσυφοσ"


@pytest.mark.django_db
def test_the_migration_folds_the_labels_already_there(blog: Blog) -> None:
    Label.objects.bulk_create(Label(blog=blog, name=f"Ärger {i}") for i in range(1500))
    Label.objects.update(folded="")
    migration = importlib.import_module("broadsheet.posts.migrations.0003_label_folded")

    migration.fill_folded(apps, SimpleNamespace(connection=connection))

    assert set(Label.objects.values_list("folded", flat=True)) == {
        f"ärger {i}" for i in range(1500)
    }
