"""Full-text index for product search on PostgreSQL. SQLite (the embedded default) searches
with a simple LIKE fallback and gets no index here."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS product_search_gin ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, search_text)) WHERE is_published"
)
DROP = "DROP INDEX IF EXISTS product_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
