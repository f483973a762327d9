"""Audit entries for reads of person-level records (the `read` action); and on SQLite, an INSERT reusing an
audit entry's id is refused (`INSERT OR REPLACE` would otherwise rewrite the entry without firing the UPDATE or
DELETE triggers). PostgreSQL needs nothing: `ON CONFLICT DO UPDATE` fires the UPDATE trigger. The SQL is written
here, not taken from copil.access.dbguard, so the migration never changes.
"""

from django.db import migrations, models

TABLES = ("access_auditevent", "auditlog_logentry")
MESSAGE = "journal d''audit en ajout seul : un identifiant existant ne peut être réécrit"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace;", params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
            params=None,
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace;", params=None)


class Migration(migrations.Migration):
    dependencies = [("access", "0003_recovery_codes_and_second_factor_events")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "creation"),
                    ("update", "change"),
                    ("delete", "deletion"),
                    ("import", "import"),
                    ("export", "export"),
                    ("bilan", "bilan generation"),
                    ("login", "login"),
                    ("login_failed", "failed login"),
                    ("logout", "logout"),
                    ("invite", "invitation"),
                    ("deactivate", "deactivation"),
                    ("password_set", "password set"),
                    ("otp_enrol", "two-factor enrolment"),
                    ("otp_verified", "second factor verified"),
                    ("otp_failed", "failed second-factor code"),
                    ("otp_reset", "two-factor reset"),
                    ("read", "reading of person-level records"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(install, remove, elidable=False),
    ]
