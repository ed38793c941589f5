from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from broadsheet.publish import poststamps


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    poststamps.install(schema_editor.connection)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    poststamps.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("publish", "0002_change_log"),
        # The triggers watch comments, Webmentions and fediverse reactions.
        ("comments", "0005_source_id"),
        ("webmention", "0001_mentions"),
        ("federation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostStamp",
            fields=[
                ("post_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("stamp", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
