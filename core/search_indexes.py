"""Trigram indexes for searching text on PostgreSQL (pg_trgm), made by a migration of the app
that owns each table.

A search looks for each word with ``icontains``, which PostgreSQL runs as
``UPPER(column::text) LIKE '%WORD%'``; a GIN index of exactly that expression with
``gin_trgm_ops`` answers it without reading every row. The indexes are PostgreSQL's own, not
declared on the models; other databases go without them.
"""

from django.db import migrations


def trigram_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """The migration operation that makes ``indexes`` (name → (table, column)) on PostgreSQL,
    and the extension they need."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, (table, column) in indexes.items():
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table}"
                    f" USING GIN ((UPPER({column}::text)) gin_trgm_ops)"
                )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
