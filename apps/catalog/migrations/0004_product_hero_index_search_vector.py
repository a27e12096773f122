"""Two fixes found by `make bench` on 100,000 products (see BENCHMARKS.md):

- the home page's hero products walked every published product (no index matched
  `is_hero`): a small partial index;
- search computed to_tsvector() again for every matching row to rank it (~30 µs a row, so
  a common word cost 0.4 s at 100,000 products): the words are now stored once, in a
  generated column with its own partial GIN index, which replaces the expression index.

The column exists on PostgreSQL only (SQLite searches with LIKE), so it is not a model field:
Django never reads or writes it, PostgreSQL keeps it in step with `search_text`.
"""

from django.db import migrations, models

ADD_VECTOR = [
    "ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS product_search_vector_gin ON catalog_product"
    " USING gin (search_vector) WHERE is_published",
    "DROP INDEX IF EXISTS product_search_gin",
]
DROP_VECTOR = [
    "CREATE INDEX IF NOT EXISTS product_search_gin ON catalog_product"
    " USING gin (to_tsvector('simple'::regconfig, search_text)) WHERE is_published",
    "DROP INDEX IF EXISTS product_search_vector_gin",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
]


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in ADD_VECTOR:
            schema_editor.execute(statement)


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_VECTOR:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_staff_permissions")]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_hero", True), ("is_published", True)),
                fields=["-popularity", "-id"],
                name="product_hero",
            ),
        ),
        migrations.RunPython(add_vector, drop_vector),
    ]
