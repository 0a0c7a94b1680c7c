from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    """Make the cache tables settings name that do not exist yet: now the page cache,
    which keeps drawn page bodies apart from the sign-in limits."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_cache_table")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
