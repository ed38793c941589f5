from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from broadsheet.publish import changelog


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    changelog.install(schema_editor.connection)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    changelog.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("publish", "0001_initial"),
        # The triggers watch posts and their labels.
        ("posts", "0009_tally_stamp"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeHead",
            fields=[
                ("blog_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("floor", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("blog_id", models.BigIntegerField()),
                ("seq", models.BigIntegerField()),
                ("post_id", models.BigIntegerField(null=True)),
                ("old_at", models.DateTimeField(null=True)),
                ("moved", models.BooleanField(default=False)),
                ("whole", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["blog_id", "seq"], name="publish_change_blog_seq")
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
