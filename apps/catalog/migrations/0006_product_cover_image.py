from django.db import migrations, models
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf


def fill_cover_images(apps, schema_editor):
    """Each product's first picture: its card thumbnail, or the picture until it has one."""
    Product = apps.get_model("catalog", "Product")
    ProductImage = apps.get_model("catalog", "ProductImage")
    first = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .order_by("sort_order", "id")
        .annotate(
            path=Coalesce(NullIf("card_thumbnail", Value("")), "image", output_field=CharField())
        )
        .values("path")[:1]
    )
    Product.objects.update(cover_image=Coalesce(Subquery(first), Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_product_sales_search_vector_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="cover_image",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_cover_images, migrations.RunPython.noop),
    ]
