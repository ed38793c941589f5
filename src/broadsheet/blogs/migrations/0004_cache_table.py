"""The table of the database cache (settings.CACHES, when REDIS_URL is not set).

Made by a migration rather than by a separate `createcachetable`, so that every database a
`migrate` has seen has it: the set-up command, the tests, an operator's upgrade.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("blogs", "0003_sidebar_version")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
