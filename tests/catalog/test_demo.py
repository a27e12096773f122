"""`load_demo_shop` (run by every `make run`) creates what is missing and never reverts an
operator's edits to demo rows."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from apps.catalog.models import Product, ProductSpec, Sku
from apps.community.models import HelpPage
from apps.members.models import User
from apps.staff.demo import DEMO_STAFF

pytestmark = pytest.mark.django_db


def _load_demo_shop():
    call_command("load_demo_shop", "--no-images", stdout=StringIO())


def _row_counts():
    return {
        "products": Product.objects.count(),
        "skus": Sku.objects.count(),
        "specs": ProductSpec.objects.count(),
        "help pages": HelpPage.objects.count(),
        "users": User.objects.count(),
    }


def test_second_run_keeps_an_edited_price_and_help_page():
    _load_demo_shop()
    sku = Sku.objects.order_by("code").first()
    Sku.objects.filter(pk=sku.pk).update(price=Decimal("88.80"), stock=3)
    HelpPage.objects.filter(slug="faq").update(body_zh_hans="运营修改过的内容")

    _load_demo_shop()

    sku.refresh_from_db()
    assert (sku.price, sku.stock) == (Decimal("88.80"), 3)
    assert HelpPage.objects.get(slug="faq").body_zh_hans == "运营修改过的内容"


def test_second_run_keeps_an_edited_product_and_its_price_summary():
    _load_demo_shop()
    product = Product.objects.get(slug="kettles-classic")
    Product.objects.filter(pk=product.pk).update(name_en="Kettle, renamed", is_published=False)

    _load_demo_shop()

    product.refresh_from_db()
    assert (product.name_en, product.is_published) == ("Kettle, renamed", False)


def test_second_run_duplicates_nothing():
    _load_demo_shop()
    before = _row_counts()

    _load_demo_shop()

    assert _row_counts() == before


def _every_row():
    """Every field of every row the loader writes, plus staff roles, in a stable order."""
    models = (Product, Sku, ProductSpec, HelpPage, User, Group)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    rows["roles"] = list(User.groups.through.objects.order_by("pk").values())
    return rows


def test_second_run_changes_nothing_at_all():
    _load_demo_shop()
    before = _every_row()

    _load_demo_shop()

    assert _every_row() == before


def test_second_run_keeps_a_demo_staff_members_changed_role():
    _load_demo_shop()
    editor = User.objects.get(email=DEMO_STAFF["editor"])
    editor.groups.set([Group.objects.get(name="warehouse")])

    _load_demo_shop()

    assert list(editor.groups.values_list("name", flat=True)) == ["warehouse"]


def test_run_restores_a_deleted_demo_sku():
    _load_demo_shop()
    sku = Sku.objects.order_by("code").first()
    before = _row_counts()
    sku.delete()

    _load_demo_shop()

    assert Sku.objects.filter(code=sku.code).exists()
    assert _row_counts() == before
