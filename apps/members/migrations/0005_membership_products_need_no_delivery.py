"""Membership plans sold so far are never shipped: their products need no delivery (the
flag is new in catalog 0009 and starts on for every product)."""

from django.db import migrations


def plans_need_no_delivery(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    MembershipPlan = apps.get_model("members", "MembershipPlan")
    product_ids = MembershipPlan.objects.values_list("sku__product_id", flat=True)
    Product.objects.filter(pk__in=list(product_ids)).update(requires_delivery=False)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_product_requires_delivery"),
        ("members", "0004_paid_memberships"),
    ]

    operations = [
        migrations.RunPython(plans_need_no_delivery, migrations.RunPython.noop),
    ]
