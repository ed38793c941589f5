"""Labels keep their case-folded name, so a label address is found through an index."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

BATCH = 1000


def fill_folded(apps: Any, schema_editor: Any) -> None:
    # The model's save() is not available here; `posts.labels.fold` is str.casefold.
    Label = apps.get_model("posts", "Label")
    labels = Label.objects.using(schema_editor.connection.alias).only("pk", "name").order_by("pk")
    batch = []
    for label in labels.iterator(chunk_size=BATCH):
        label.folded = label.name.casefold()
        batch.append(label)
        if len(batch) >= BATCH:
            Label.objects.using(schema_editor.connection.alias).bulk_update(batch, ["folded"])
            batch = []
    Label.objects.using(schema_editor.connection.alias).bulk_update(batch, ["folded"])


class Migration(migrations.Migration):
    dependencies = [("posts", "0002_trash_revisions_autosaves")]

    operations = [
        migrations.AddField(
            model_name="label",
            name="folded",
            field=models.CharField(default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_folded, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="label",
            index=models.Index(fields=["blog", "folded"], name="label_blog_folded"),
        ),
    ]
