"""Imports and restores write posts and labels in bulk: the sidebar's tallies come out exact."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.restore import restore_backup
from broadsheet.posts.models import Post
from broadsheet.reader import gadgets
from tests.portability.conftest import BLOGGER, NOW, WXR
from tests.portability.test_backup import backup_of
from tests.posts.test_tallies import assert_exact

pytestmark = pytest.mark.django_db


def test_imports_then_a_restore_leave_exact_counts(blog: Blog, write_file: Any) -> None:
    import_wordpress(blog, WXR / "valid-wxr-1.0.xml", now=NOW)
    import_blogger(blog, BLOGGER / "pelican-bloggerexport-2018.xml", now=NOW)
    assert_exact(blog, NOW)
    archive = backup_of(blog)
    Blog.objects.all().delete()
    User.objects.all().delete()

    restore_backup("notes", write_file(archive, "backup.zip"), site=True)

    restored = Blog.objects.get(slug="notes")
    assert_exact(restored, NOW)
    public = Post.objects.public(restored, NOW).count()
    assert public > 0
    assert sum(year.count for year in gadgets.archive(restored, NOW)) == public
