import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.aftersales.models import ReturnRequest
from apps.orders.models import Order
from tests.catalog.factories import ProductImageFactory, SkuFactory

pytestmark = pytest.mark.django_db

KINDS = [
    "order_placed",
    "order_out_of_stock",
    "order_cancelled",
    "order_paid",
    "order_shipped",
    "order_refunded",
    "return_requested",
    "return_rejected",
    "return_closed",
    "return_approved",
    "return_received",
    "return_refunded",
    "return_exchange_shipped",
    "account_confirmation",
    "account_password_reset",
    "membership_renewal",
]


@pytest.fixture
def demo_catalog():
    for _ in range(2):
        ProductImageFactory(product=SkuFactory(stock=20).product)


def test_preview_writes_every_kind_of_email_and_keeps_nothing(demo_catalog, tmp_path):
    call_command("preview_emails", out=tmp_path)

    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted([f"{kind}.html" for kind in KINDS] + [f"{kind}.txt" for kind in KINDS])
    assert 'style="' in (tmp_path / "order_shipped.html").read_text()
    assert "SF1400123456789" in (tmp_path / "order_shipped.txt").read_text()
    assert mail.outbox == []
    assert (Order.objects.count(), ReturnRequest.objects.count()) == (0, 0)


def test_preview_links_pictures_to_the_media_folder_so_files_open_without_a_server(
    demo_catalog, tmp_path, settings
):
    call_command("preview_emails", out=tmp_path)

    html = (tmp_path / "order_placed.html").read_text()
    assert f'src="{settings.MEDIA_ROOT.resolve().as_uri()}/' in html


def test_preview_in_english(demo_catalog, tmp_path):
    call_command("preview_emails", out=tmp_path, language="en")

    assert "View your order" in (tmp_path / "order_paid.html").read_text()


def test_preview_without_a_catalog_says_what_to_run(tmp_path):
    with pytest.raises(CommandError, match="load_demo_shop"):
        call_command("preview_emails", out=tmp_path)
