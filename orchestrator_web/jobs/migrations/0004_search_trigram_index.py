"""On PostgreSQL, a trigram index makes free-text search (search_text LIKE '%...%') fast at
any size. Elsewhere (SQLite) there is nothing to do.

pg_trgm is a trusted extension since PostgreSQL 13: the database owner may create it. Where it
cannot be created, the migration says so and goes on; search then scans.
"""

from django.db import migrations

INDEX = "job_search_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT job_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON jobs_job USING gin (search_text gin_trgm_ops)")
            cursor.execute("RELEASE SAVEPOINT job_trgm")
        except Exception as exc:
            cursor.execute("ROLLBACK TO SAVEPOINT job_trgm")
            print(f"\n  warning: no trigram index for job search ({exc}); free-text search will scan.")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_history_indexes")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
