"""The history's orders by finish time and by run time read an index each, as the order by
submission reads job_recent; and free-text search finds what people put in a job's userdata (a
ticket number), for jobs launched before it did too.

The indexes are partial (finished jobs only: the others have no finish time or run time) and the
run time is an expression that differs per database (selectors.RunTime writes the same one), so
they are written here in SQL rather than in the model's Meta, like 0004's trigram index:
PostgreSQL subtracts the timestamps, SQLite subtracts julian days (its date functions may sit in
an index; Django's own datetime arithmetic on SQLite is a Python function, which may not).

Creating an index leaves jobs_job as it is, so SQLite keeps 0006's search triggers. As with those
triggers, a later migration that makes Django rebuild jobs_job on SQLite (a new column with a
default, an altered field) drops these indexes: it must run `create_indexes` again;
tests/jobs/test_history_sorts.py fails until it does.

The backfill writes search_text only for jobs with userdata, in batches; on SQLite 0006's
triggers index the new text as it is written.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "job_finished": {
        "sqlite": "(finished_at, id)",
        "postgresql": "(finished_at, id)",
    },
    "job_run_time": {
        "sqlite": "((julianday(finished_at) - julianday(created_at)), id)",
        "postgresql": "((finished_at - created_at), id)",
    },
}


def create_indexes(schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for name, columns in INDEXES.items():
        if vendor in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON jobs_job {columns[vendor]} WHERE finished_at IS NOT NULL"
            )


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    create_indexes(schema_editor)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in INDEXES:
        if schema_editor.connection.vendor in INDEXES[name]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def search_text(description: str, params: dict[str, Any], userdata: dict[str, Any]) -> str:
    """jobs.services.search_text as this migration was written (a migration must not change
    with the code it upgrades)."""
    values: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            values.append(str(value))

    walk(params)
    walk(userdata)
    return "\n".join([description, *values]).lower()


BATCH = 1000


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Job = apps.get_model("jobs", "Job")
    alias = schema_editor.connection.alias
    jobs = Job.objects.using(alias).exclude(userdata={}).only("id", "description", "params", "userdata")
    batch = []
    for job in jobs.order_by("id").iterator(chunk_size=BATCH):
        job.search_text = search_text(job.description, job.params or {}, job.userdata or {})
        batch.append(job)
        if len(batch) == BATCH:
            Job.objects.using(alias).bulk_update(batch, ["search_text"])
            batch = []
    Job.objects.using(alias).bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("jobs", "0007_job_step_states")]
    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
