"""On SQLite, a full-text index makes free-text search fast at any size, as 0004's trigram
index does on PostgreSQL. Elsewhere there is nothing to do.

jobs_job_search is an FTS5 table with the trigram tokenizer (SQLite 3.34+) over
jobs_job.search_text, whose rowid is the job's id. Its content is jobs_job's own column, so it
holds only the index. It must be told the old text to forget a row: the triggers give it
old.search_text, which is what it indexed. The text is already lower-cased, so the tokenizer keeps
case (case_sensitive 1). The index only narrows a search; LIKE decides (selectors.matching_text).

On SQLite, Django rebuilds a table for most field changes (a new column with a default, an altered
field), and dropping the old table drops its triggers. A later migration that does that to jobs_job
must run `create_triggers` again and then `INSERT INTO jobs_job_search (jobs_job_search) VALUES
('rebuild')`; tests/jobs/test_search.py fails until it does.
"""

from django.db import migrations

TRIGGERS = {
    "jobs_job_search_insert": """
        AFTER INSERT ON jobs_job BEGIN
            INSERT INTO jobs_job_search (rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "jobs_job_search_delete": """
        AFTER DELETE ON jobs_job BEGIN
            INSERT INTO jobs_job_search (jobs_job_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    # Saving a job writes every column: only a changed text is indexed again.
    "jobs_job_search_update": """
        AFTER UPDATE OF id, search_text ON jobs_job
        WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text BEGIN
            INSERT INTO jobs_job_search (jobs_job_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO jobs_job_search (rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def create_triggers(schema_editor):  # type: ignore[no-untyped-def]
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        schema_editor.execute(
            "CREATE VIRTUAL TABLE jobs_job_search USING fts5(search_text, content='jobs_job', "
            "content_rowid='id', tokenize='trigram case_sensitive 1')"
        )
    except Exception as exc:
        version = schema_editor.connection.Database.sqlite_version
        raise RuntimeError(
            f"Free-text search needs SQLite 3.34 or newer with FTS5; this Python's SQLite is {version} ({exc})."
        ) from exc
    create_triggers(schema_editor)
    schema_editor.execute("INSERT INTO jobs_job_search (jobs_job_search) VALUES ('rebuild')")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS jobs_job_search")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0005_requester_index_covered_by_history_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
