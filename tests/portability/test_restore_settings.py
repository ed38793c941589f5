"""A blog restored from its backup looks and answers as it did: every setting its admin can
set in the studio comes back (issue 12 kept the operator's out, not the writer's)."""

from __future__ import annotations

import io
from pathlib import Path

from broadsheet.blogs.models import Blog
from broadsheet.portability.backup import export_backup
from broadsheet.portability.restore import restore_backup

SETTINGS = {
    "feed_redirect_url": "https://feeds.example.org/notes",
    "custom_robots_txt": "User-agent: *\nDisallow: /search\n",
    "not_found_message": "Nothing here: try the archive.",
    "share_links": False,
    "theme": "magazine",
    "theme_accent": "#0b5d1e",
    "theme_text_font": "inter",
    "theme_heading_font": "fraunces",
    "theme_width": "wide",
    "theme_scheme": "dark",
}


def test_a_restore_brings_back_the_admins_settings(blog: Blog, tmp_path: Path) -> None:
    Blog.objects.filter(pk=blog.pk).update(**SETTINGS, favicon="favicons/elsewhere.png")
    out = io.BytesIO()
    export_backup(Blog.objects.get(pk=blog.pk), out)
    (tmp_path / "backup.zip").write_bytes(out.getvalue())
    restore_backup("copy", tmp_path / "backup.zip")
    copy = Blog.objects.get(slug="copy")
    assert {name: getattr(copy, name) for name in SETTINGS} == SETTINGS
    # A file path is not a setting: files come back only as re-encoded images.
    assert copy.favicon == ""
