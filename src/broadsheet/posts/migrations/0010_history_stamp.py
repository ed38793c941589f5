from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from broadsheet.posts import stamps


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    stamps.install(schema_editor.connection)
    stamps.move_all(schema_editor.connection)  # nothing kept under the old stamps holds


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    stamps.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("posts", "0009_tally_stamp")]

    operations = [
        # SQLite alters the table by copying it: no trigger may name it meanwhile.
        migrations.RunPython(uninstall, install),
        migrations.AddField(
            model_name="tallystamp",
            name="history",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(install, uninstall),
    ]
