"""Blogs' layouts: the Gadget table, and every existing blog given the layout it showed before
(so nothing changes for readers until an admin edits it)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# blogs.layout.DEFAULT_LAYOUT as it was when layouts came, with each kind's default options:
# frozen here, since a later change to the default must not rewrite what this step made.
DEFAULT = [
    ("header", "header", {"show_description": True, "image": "", "alt": ""}),
    ("sidebar", "featured", {"show_snippet": True}),
    ("sidebar", "search", {}),
    ("sidebar", "popular", {"count": 5, "days": 30, "thumbnails": True, "snippets": True}),
    ("sidebar", "about", {}),
    ("sidebar", "profile", {}),
    ("sidebar", "pages", {"order": []}),
    ("sidebar", "archive", {"style": "hierarchy"}),
    ("sidebar", "labels", {"display": "list", "sort": "name", "counts": True}),
    ("sidebar", "follow", {}),
    ("footer", "attribution", {"text": ""}),
]


def give_default_layouts(apps: Any, schema_editor: Any) -> None:
    Blog, Gadget = apps.get_model("blogs", "Blog"), apps.get_model("blogs", "Gadget")
    for blog_id in Blog.objects.values_list("pk", flat=True).iterator():
        Gadget.objects.bulk_create(
            Gadget(blog_id=blog_id, area=area, position=index, kind=kind, config=config)
            for index, (area, kind, config) in enumerate(DEFAULT)
        )


class Migration(migrations.Migration):
    dependencies = [("blogs", "0014_comment_challenge")]

    operations = [
        migrations.CreateModel(
            name="Gadget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "area",
                    models.CharField(
                        choices=[
                            ("header", "Header"),
                            ("sidebar", "Sidebar"),
                            ("footer", "Footer"),
                        ],
                        max_length=16,
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("header", "Header"),
                            ("attribution", "Attribution"),
                            ("about", "About (the blog's description)"),
                            ("featured", "Featured Post"),
                            ("popular", "Popular Posts"),
                            ("archive", "Blog Archive"),
                            ("labels", "Labels"),
                            ("pages", "Pages"),
                            ("profile", "Profile"),
                            ("search", "Search"),
                            ("text", "Text"),
                            ("html", "HTML"),
                            ("image", "Image"),
                            ("links", "Link List"),
                            ("subscribe", "Subscribe links"),
                            ("follow", "Follow by Email"),
                        ],
                        max_length=24,
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=100)),
                ("config", models.JSONField(blank=True, default=dict)),
                (
                    "blog",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="gadgets",
                        to="blogs.blog",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "indexes": [
                    models.Index(fields=["blog", "area", "position"], name="gadget_blog_area")
                ],
            },
        ),
        migrations.RunPython(give_default_layouts, migrations.RunPython.noop),
    ]
