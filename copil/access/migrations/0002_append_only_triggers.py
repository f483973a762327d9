"""Database triggers making the audit tables append-only (PostgreSQL and SQLite; see copil.access.dbguard)."""

from django.db import migrations


def install(apps, schema_editor):
    from copil.access import dbguard

    dbguard.install(schema_editor)


def remove(apps, schema_editor):
    from copil.access import dbguard

    dbguard.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
