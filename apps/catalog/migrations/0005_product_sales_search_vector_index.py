"""Search takes the best-selling matches of a query before ranking them (benchmarks/README.md,
2026-11-29). Walking `product_sales` had to visit each product row to test its words; this
index carries the words beside the sales order, so the walk reads the index alone and stops
after 1,001 matches, however large the catalog.

PostgreSQL only: `search_vector` is the generated column of migration 0004, not a model field.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS product_sales_search ON catalog_product"
    " (sales_count DESC, id DESC) INCLUDE (search_vector) WHERE is_published"
)
DROP = "DROP INDEX IF EXISTS product_sales_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_product_hero_index_search_vector")]

    operations = [migrations.RunPython(create_index, drop_index)]
