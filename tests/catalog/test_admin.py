"""The catalog back office: bulk actions, price changes, CSV import/export, images, history."""

import csv
import io
import os
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from PIL import Image

from apps.catalog.models import Product, ProductImage, Sku
from apps.catalog.resources import SkuResource
from tests.catalog.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    SkuFactory,
)
from tests.staff.admin_forms import change_form_data, form_data, image_upload, staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:catalog_product_changelist"
SKU_COLUMNS = "code,product,options_zh_hans,options_en,price,stock,low_stock_threshold,is_active"


@pytest.fixture
def assistant(client):
    return staff_client(client, StaffUserFactory(roles=["store_assistant"]))


@pytest.fixture
def manager(client):
    return staff_client(client, StaffUserFactory(roles=["store_manager"]))


def run_action(client, action: str, products, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in products], "index": "0"}
    return client.post(reverse(CHANGELIST), {**data, **extra})


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("skus.csv", text.encode(), content_type="text/csv")


def import_preview(client, text: str):
    return client.post(
        reverse("admin:catalog_sku_import"),
        {"import_file": csv_upload(text), "format": "0", "resource": "0"},
    )


# --- Listing -----------------------------------------------------------------------------


def test_product_list_finds_a_product_by_sku_code(assistant):
    wanted = ProductFactory(skus=[])
    SkuFactory(product=wanted, code="KT-17-WHITE")
    ProductFactory()

    response = assistant.get(reverse(CHANGELIST), {"q": "KT-17-WHITE"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_product_list_filters_sold_out_products(assistant):
    sold_out = ProductFactory(skus__stock=0)
    ProductFactory(skus__stock=5)

    response = assistant.get(reverse(CHANGELIST), {"in_stock": "no"})

    assert list(response.context["cl"].result_list) == [sold_out]


def test_low_stock_list_shows_skus_below_their_own_threshold(assistant):
    low = SkuFactory(stock=29)
    SkuFactory(stock=30)
    custom = SkuFactory(stock=40, low_stock_threshold=50)

    response = assistant.get(reverse("admin:catalog_sku_changelist"), {"low_stock": "yes"})

    assert set(response.context["cl"].result_list) == {low, custom}


def test_stock_edited_in_the_sku_list_refreshes_the_product(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))
    sku = SkuFactory(stock=50)
    page = client.get(reverse("admin:catalog_sku_changelist"))
    data = form_data(page.context["cl"].formset.management_form)
    data.update({"form-0-id": str(sku.pk), "form-0-stock": "3", "_save": "Save"})

    response = client.post(reverse("admin:catalog_sku_changelist"), data)

    assert response.status_code == 302
    sku.product.refresh_from_db()
    assert sku.product.total_stock == 3


# --- Saving a product --------------------------------------------------------------------


def test_sku_price_changed_on_the_product_page_refreshes_the_price_range(assistant):
    product = ProductFactory(skus__price=Decimal("199.00"))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = change_form_data(assistant.get(url))
    data["skus-0-price"] = "149.00"

    response = assistant.post(url, data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.min_price, product.max_price) == (Decimal("149.00"), Decimal("149.00"))


def test_sku_price_changes_are_kept_in_its_history_with_who_changed_them(client):
    assistant = StaffUserFactory(roles=["store_assistant"])
    staff_client(client, assistant)
    sku = SkuFactory(price=Decimal("199.00"))
    url = reverse("admin:catalog_sku_change", args=[sku.pk])
    data = change_form_data(client.get(url))
    data["price"] = "189.00"

    client.post(url, data)
    response = client.get(reverse("admin:catalog_sku_history", args=[sku.pk]))

    latest = sku.history.latest()
    assert (latest.price, latest.history_user) == (Decimal("189.00"), assistant)
    assert assistant.email in response.content.decode()


def test_history_cannot_be_used_to_revert(assistant):
    sku = SkuFactory(price=Decimal("199.00"))
    first = sku.history.earliest()
    sku.price = Decimal("99.00")
    sku.save()
    url = reverse("admin:catalog_sku_simple_history", args=[sku.pk, first.history_id])

    response = assistant.post(url, {"price": "199.00", "_change_history": "1"})

    sku.refresh_from_db()
    assert response.status_code == 403
    assert sku.price == Decimal("99.00")


# --- Bulk actions --------------------------------------------------------------------------


def test_publish_action_publishes_the_selected_products(assistant):
    drafts = [ProductFactory(is_published=False), ProductFactory(is_published=False)]
    other = ProductFactory(is_published=False)

    response = run_action(assistant, "publish", drafts)

    assert response.status_code == 302
    assert set(Product.objects.filter(is_published=True)) == set(drafts)
    other.refresh_from_db()
    assert other.is_published is False


def test_unpublish_action_hides_the_selected_products(assistant):
    product = ProductFactory(is_published=True)

    run_action(assistant, "unpublish", [product])

    product.refresh_from_db()
    assert product.is_published is False


def test_price_change_action_first_asks_for_the_percentage(assistant):
    product = ProductFactory()

    response = run_action(assistant, "change_prices", [product])

    assert response.status_code == 200
    assert list(response.context["products"]) == [product]
    assert "percent" in response.context["form"].fields


def test_price_change_action_changes_every_sku_of_the_selected_products(assistant):
    product = ProductFactory(skus=[])
    SkuFactory(product=product, price=Decimal("199.00"))
    SkuFactory(product=product, price=Decimal("59.90"))
    untouched = ProductFactory(skus__price=Decimal("199.00"))

    response = run_action(assistant, "change_prices", [product], percent="10", apply="1")

    assert response.status_code == 302
    assert sorted(product.skus.values_list("price", flat=True)) == [
        Decimal("65.89"),
        Decimal("218.90"),
    ]
    product.refresh_from_db()
    assert (product.min_price, product.max_price) == (Decimal("65.89"), Decimal("218.90"))
    assert untouched.skus.get().price == Decimal("199.00")


@pytest.mark.parametrize("percent", ["150", "-80", "0", "ten"])
def test_invalid_price_change_shows_the_error_and_changes_nothing(assistant, percent):
    product = ProductFactory(skus__price=Decimal("199.00"))

    response = run_action(assistant, "change_prices", [product], percent=percent, apply="1")

    assert response.status_code == 200
    assert response.context["form"].errors["percent"]
    assert gettext("Nothing was changed. Please correct the error below.") in (
        response.content.decode()
    )
    assert product.skus.get().price == Decimal("199.00")


def test_price_change_action_needs_the_price_permission(client):
    staff_client(client, StaffUserFactory(roles=["presales_service"]))
    product = ProductFactory(skus__price=Decimal("199.00"))

    run_action(client, "change_prices", [product], percent="10", apply="1")

    assert product.skus.get().price == Decimal("199.00")


# --- CSV import and export ---------------------------------------------------------------


def test_sku_import_updates_stock_and_refreshes_the_product(assistant):
    product = ProductFactory(skus=[])
    SkuFactory(product=product, code="KT-1", stock=50)
    SkuFactory(product=product, code="KT-2", stock=50)
    text = (
        f"{SKU_COLUMNS}\n"
        f"KT-1,{product.slug},白色,White,199.00,5,30,1\n"
        f"KT-2,{product.slug},黑色,Black,209.00,0,30,1\n"
    )

    preview = import_preview(assistant, text)
    response = assistant.post(
        reverse("admin:catalog_sku_process_import"), preview.context["confirm_form"].initial
    )

    assert response.status_code == 302
    assert dict(product.skus.values_list("code", "stock")) == {"KT-1": 5, "KT-2": 0}
    product.refresh_from_db()
    assert product.total_stock == 5
    assert product.max_price == Decimal("209.00")


def test_sku_import_adds_a_new_code_to_the_named_product(assistant):
    product = ProductFactory(skus=[])
    text = f"{SKU_COLUMNS}\nNEW-1,{product.slug},红色,Red,99.00,12,30,1\n"

    preview = import_preview(assistant, text)
    assistant.post(
        reverse("admin:catalog_sku_process_import"), preview.context["confirm_form"].initial
    )

    product.refresh_from_db()
    assert product.skus.get().code == "NEW-1"
    assert (product.min_price, product.total_stock) == (Decimal("99.00"), 12)


def test_sku_import_with_a_bad_row_reports_it_and_offers_no_import(assistant):
    product = ProductFactory(skus=[])
    SkuFactory(product=product, code="KT-1", stock=50)
    text = (
        f"{SKU_COLUMNS}\n"
        f"KT-1,{product.slug},白色,White,199.00,5,30,1\n"
        f"KT-2,no-such-product,黑色,Black,abc,-3,30,1\n"
    )

    response = import_preview(assistant, text)

    page = response.content.decode()
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert (
        gettext("There is no %(model)s with the slug “%(slug)s”.")
        % {
            "model": Product._meta.verbose_name,
            "slug": "no-such-product",
        }
        in page
    )
    assert gettext("“%(value)s” is not an amount such as 199.00.") % {"value": "abc"} in page
    assert product.skus.get().stock == 50
    assert not Sku.objects.filter(code="KT-2").exists()


def test_sku_import_that_fails_after_the_preview_changes_nothing_and_says_so(assistant):
    kept = ProductFactory(skus=[])
    SkuFactory(product=kept, code="KT-1", stock=50)
    going = ProductFactory(skus=[])
    text = (
        f"{SKU_COLUMNS}\n"
        f"KT-1,{kept.slug},白色,White,199.00,5,30,1\n"
        f"NEW-1,{going.slug},红色,Red,99.00,12,30,1\n"
    )
    preview = import_preview(assistant, text)
    going.delete()

    response = assistant.post(
        reverse("admin:catalog_sku_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    missing = gettext("There is no %(model)s with the slug “%(slug)s”.") % {
        "model": Product._meta.verbose_name,
        "slug": going.slug,
    }
    problem = gettext("row %(number)s, %(field)s: %(error)s") % {
        "number": 2,
        "field": "product",
        "error": missing,
    }
    assert response.redirect_chain[-1][0] == reverse("admin:catalog_sku_import")
    assert [str(message) for message in response.context["messages"]] == [
        gettext("The import was cancelled and nothing was changed: %(problems)s")
        % {"problems": problem}
    ]
    assert kept.skus.get().stock == 50
    assert not Sku.objects.filter(code="NEW-1").exists()


def test_sku_import_is_all_or_nothing_even_without_the_preview():
    product = ProductFactory(skus=[])
    SkuFactory(product=product, code="KT-1", stock=50)
    dataset = tablib.Dataset(headers=SKU_COLUMNS.split(","))
    dataset.append(["KT-1", product.slug, "白色", "White", "199.00", "5", "30", "1"])
    dataset.append(["KT-2", product.slug, "黑色", "Black", "209.00", "-3", "30", "1"])

    result = SkuResource().import_data(dataset, dry_run=False)

    assert result.has_validation_errors()
    assert product.skus.get().stock == 50
    product.refresh_from_db()
    assert product.total_stock == 50


def test_sku_import_needs_the_price_permission(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:catalog_sku_import"))

    assert response.status_code == 403


def test_products_export_as_csv(assistant):
    product = ProductFactory(skus__price=Decimal("199.00"))
    page = assistant.get(reverse("admin:catalog_product_export"))

    response = assistant.post(
        reverse("admin:catalog_product_export"), form_data(page.context["form"])
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert [(row["slug"], row["series"], row["min_price"]) for row in rows] == [
        (product.slug, product.series.slug, "199.00")
    ]


def test_skus_export_as_csv_keyed_by_code(assistant):
    sku = SkuFactory(code="KT-9", stock=8)
    page = assistant.get(reverse("admin:catalog_sku_export"))

    response = assistant.post(reverse("admin:catalog_sku_export"), form_data(page.context["form"]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["code"], row["product"], row["stock"]) for row in rows] == [
        ("KT-9", sku.product.slug, "8")
    ]


# --- Images ------------------------------------------------------------------------------


def test_image_uploaded_on_the_product_page_gets_thumbnails(assistant):
    product = ProductFactory()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = change_form_data(assistant.get(url))
    data.update(
        {"images-TOTAL_FORMS": "1", "images-0-image": image_upload(), "images-0-sort_order": "0"}
    )

    response = assistant.post(url, data)

    assert response.status_code == 302
    image = product.images.get()
    assert image.card_thumbnail.startswith("thumbs/")
    assert image.small_thumbnail.startswith("thumbs/")


def test_uploaded_png_is_stored_re_encoded_as_jpeg_under_a_random_name(assistant):
    product = ProductFactory()

    assistant.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": image_upload("my holiday.png", "PNG"), "sort_order": "0"},
    )

    image = product.images.get()
    assert "holiday" not in image.image.name
    assert Image.open(image.image.path).format == "JPEG"


def test_non_image_upload_is_refused_with_a_message(assistant):
    product = ProductFactory()
    upload = SimpleUploadedFile("price-list.jpg", b"<html>not a picture</html>", "image/jpeg")

    response = assistant.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": upload, "sort_order": "0"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"]
    assert not ProductImage.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_with_too_many_pixels_is_refused(assistant):
    product = ProductFactory()

    response = assistant.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": image_upload(size=(8000, 5001)), "sort_order": "0"},
    )

    assert response.context["adminform"].form.errors["image"] == [
        gettext("The image has too many pixels.")
    ]
    assert not ProductImage.objects.exists()


def test_replacing_an_image_makes_new_thumbnails(assistant):
    old = ProductImageFactory()
    url = reverse("admin:catalog_productimage_change", args=[old.pk])
    data = change_form_data(assistant.get(url))
    data["image"] = image_upload()

    assistant.post(url, data)

    old.refresh_from_db()
    assert old.card_thumbnail.startswith("thumbs/")


def test_image_larger_than_5_mb_is_refused(assistant):
    product = ProductFactory()
    noise = Image.frombytes("RGB", (1500, 1300), os.urandom(1500 * 1300 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")

    response = assistant.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": upload, "sort_order": "0"},
    )

    assert len(buffer.getvalue()) > 5 * 1024 * 1024
    assert response.context["adminform"].form.errors["image"] == [
        gettext("The image is larger than 5 MB.")
    ]
    assert not ProductImage.objects.exists()


def test_category_renamed_in_the_back_office_shows_on_the_home_page(
    manager, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    category = CategoryFactory(name_zh_hans="电饭煲")
    manager.get(reverse("catalog:home"))  # the tree is now kept in memory
    change = reverse("admin:catalog_category_change", args=[category.pk])
    data = {**change_form_data(manager.get(change)), "name_zh_hans": "多功能电饭煲"}

    with django_capture_on_commit_callbacks(execute=True):
        saved = manager.post(change, data, follow=True)  # the redirect shows the message

    assert saved.redirect_chain[0][1] == 302
    assert "多功能电饭煲" in manager.get(reverse("catalog:home")).content.decode()
