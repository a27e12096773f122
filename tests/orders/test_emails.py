import logging
import re
import time
from decimal import Decimal
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import kombu.pools
import pytest
from django.core import mail, signing
from django.test import override_settings
from django.utils.translation import gettext_lazy

from apps.cart.pricing import UnitPrice
from apps.core.emails import text_width
from apps.orders import emails
from apps.orders.emails import ORDER_LINK_SALT, order_email, order_link
from config.celery import app as celery_app
from tests.cart.rules import unit_price_rule_in_force
from tests.catalog.factories import ProductImageFactory, SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

LINK_NOT_VALID = gettext_lazy(
    "This link is not valid. Enter the order number and your mobile number or email to see"
    " the order."
)
LINK_EXPIRED = gettext_lazy(
    "This link has expired. Enter the order number and your mobile number or email to see"
    " the order."
)


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def button_href(message) -> str:
    [href] = re.findall(r'<a class="button" href="([^"]+)"', html_part(message))
    return href


def signed_long_ago(number: str, days: int) -> str:
    """A link token the shop signed `days` days ago."""

    class SignedThen(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 24 * 3600)

    return SignedThen(salt=ORDER_LINK_SALT).sign_object(number)


def link_path(token: str) -> str:
    return urlsplit(emails.absolute_url(f"/orders/link/{token}/")).path


def test_order_email_html_carries_its_styles_inline():
    order = place_order()

    html = html_part(order_email(order=order, kind="placed"))

    button = re.search(r'<a class="button"[^>]*style="([^"]+)"', html).group(1)
    assert "background-color: #e4393c" in button
    assert re.search(r"<body style=\"[^\"]*font-family: -apple-system, 'PingFang SC'", html)
    total = re.search(
        r'<tr class="total"[^>]*>.*?<td class="summary-amount" style="([^"]+)">¥199\.00</td>',
        html,
        re.S,
    )
    assert "color: #e4393c" in total.group(1)


def test_order_email_shows_the_product_picture_from_the_shop_site():
    sku = SkuFactory()
    ProductImageFactory(product=sku.product)

    with override_settings(SHOP_SITE_URL="https://shop.jiawei.example"):
        html = html_part(order_email(order=place_order(items=[(sku, 1)]), kind="placed"))

    [src] = re.findall(r'<img src="([^"]+)"', html)
    assert src.startswith("https://shop.jiawei.example/media/")


def test_order_email_lists_items_and_amounts_in_both_parts():
    sku = SkuFactory(price=Decimal("199.00"))
    order = place_order(items=[(sku, 2)])

    message = order_email(order=order, kind="placed")

    assert "¥398.00" in html_part(message)
    assert re.search(
        rf"{re.escape(order.lines.get().product_name)} .*× 2 +¥398\.00$", message.body, re.M
    )
    assert re.search(r"^合计 +¥398\.00$", message.body, re.M)


def test_text_part_amounts_end_in_the_same_column_and_carry_no_markup():
    order = place_order(items=[(SkuFactory(price=Decimal("59.00")), 1), (SkuFactory(), 3)])

    body = order_email(order=order, kind="placed").body

    amount_lines = [line for line in body.splitlines() if line.endswith(".00") and "¥" in line]
    assert len(amount_lines) == 5  # two items, subtotal, delivery, total
    assert {text_width(line) for line in amount_lines} == {48}
    assert "<" not in body and "&" not in body


def test_order_email_button_opens_that_order_without_the_lookup_form(client):
    order = place_order()

    response = client.get(urlsplit(button_href(order_email(order=order, kind="paid"))).path)

    assert response.status_code == 200
    assert response.context["order"] == order
    assert "form" not in response.context


def test_button_of_a_guest_order_opens_it_in_full(client):
    order = place_order()

    response = client.get(urlsplit(order_link(order)).path)

    assert response.context["full"] is True
    assert "南京东路 1 号" in response.content.decode()


def test_link_to_a_members_order_shows_no_address_to_someone_signed_out(client):
    order = place_order(member=UserFactory())

    response = client.get(urlsplit(order_link(order)).path)

    assert response.context["order"] == order
    assert response.context["full"] is False
    assert "南京东路 1 号" not in response.content.decode()


def test_link_of_order_a_never_shows_order_b(client):
    order_a, order_b = place_order(), place_order()
    token_a = urlsplit(order_link(order_a)).path.split("/")[-2]
    # Order B's number in the place of A's, with A's signature.
    payload_b = signing.b64_encode(f'"{order_b.number}"'.encode()).decode()
    forged = payload_b + token_a[token_a.index(":") :]

    opened = client.get(link_path(token_a))
    refused = client.get(link_path(forged))

    assert opened.context["order"] == order_a
    assert order_b.number not in opened.content.decode()
    assert refused.status_code == 400
    assert "order" not in refused.context
    assert order_b.number not in refused.content.decode()


def test_changed_link_shows_the_lookup_form_with_the_reason(client):
    order = place_order()
    token = urlsplit(order_link(order)).path.split("/")[-2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.get(link_path(changed))

    assert response.status_code == 400
    assert "order" not in response.context
    assert response.context["form"].non_field_errors() == [str(LINK_NOT_VALID)]
    assert 'name="contact"' in response.content.decode()


def test_expired_link_shows_the_lookup_form_with_the_reason(client):
    order = place_order()

    response = client.get(link_path(signed_long_ago(order.number, days=31)))

    assert response.status_code == 410
    assert "order" not in response.context
    assert response.context["form"].non_field_errors() == [str(LINK_EXPIRED)]
    assert 'name="contact"' in response.content.decode()


def test_lookup_form_under_an_expired_link_finds_the_order(client):
    order = place_order()
    expired = link_path(signed_long_ago(order.number, days=31))

    response = client.post(expired, {"number": order.number, "contact": "13800138000"})

    assert response.status_code == 200
    assert response.context["order"] == order


def test_link_still_opens_the_order_before_its_time_is_up(client):
    order = place_order()

    response = client.get(link_path(signed_long_ago(order.number, days=29)))

    assert response.context["order"] == order


def test_order_email_has_a_message_id_on_the_shops_domain():
    with override_settings(DEFAULT_FROM_EMAIL="Shop <orders@jiawei.example>"):
        message = order_email(order=place_order(), kind="placed")

    assert re.fullmatch(r"<[^@>]+@jiawei\.example>", message.extra_headers["Message-ID"])


def test_message_id_domain_may_be_set_apart_from_the_sender():
    with override_settings(
        DEFAULT_FROM_EMAIL="Shop <orders@mailer.example>", SHOP_EMAIL_DOMAIN="jiawei.example"
    ):
        message = order_email(order=place_order(), kind="placed")

    assert message.extra_headers["Message-ID"].endswith("@jiawei.example>")


def test_sender_is_the_shops_name_in_the_orders_language():
    with override_settings(DEFAULT_FROM_EMAIL="Anything <orders@jiawei.example>"):
        chinese = order_email(order=place_order(), kind="placed")
        order = place_order()
        order.language = "en"
        english = order_email(order=order, kind="placed")

    assert str(make_header(decode_header(chinese.from_email))) == (
        "家味小家电 <orders@jiawei.example>"
    )
    assert english.from_email == "Homely Goods <orders@jiawei.example>"


def test_english_order_email_is_in_english():
    order = place_order()
    order.language = "en"

    message = order_email(order=order, kind="shipped")

    assert message.subject == f"Your order {order.number} is on its way"
    assert "View your order" in html_part(message)
    assert "/en/orders/link/" in button_href(message)


@pytest.fixture
def fresh_broker_pools():
    """Broker connection and producer pools made anew, as in a new `make run` process (the
    warning comes when a pooled connection is first made)."""

    def forget():
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget()
    yield
    forget()


def test_sending_an_order_email_in_the_default_settings_logs_no_broker_warning(
    caplog, django_capture_on_commit_callbacks, fresh_broker_pools
):
    caplog.set_level(logging.WARNING)

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()

    assert [message.to for message in mail.outbox] == [[order.email]]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_order_email_says_where_a_pickup_order_is_collected_and_when():
    order = place_order(shipping_method="pickup")

    message = order_email(order=order, kind="placed")

    for part in (html_part(message), message.body):
        assert order.pickup_name in part
        assert order.pickup_hours in part
        assert "南京东路 1 号" not in part  # the courier address typed earlier is not shown


def test_order_email_shows_the_delivery_address_of_a_courier_order():
    order = place_order()

    message = order_email(order=order, kind="placed")

    assert "南京东路 1 号" in html_part(message)
    assert "南京东路 1 号" in message.body


def test_an_order_keeps_why_its_price_was_lower_and_the_email_says_it():
    sku = SkuFactory(price=Decimal("199.00"))

    def silver(*, sku, quantity, context, unit_price):
        return UnitPrice(price=Decimal("195.02"), reason="银卡会员价 −2%")

    with unit_price_rule_in_force(silver, name="test-silver"):
        order = place_order(items=[(sku, 1)])

    line = order.lines.get()
    assert (line.unit_price, line.price_reason) == (Decimal("195.02"), "银卡会员价 −2%")
    message = order_email(order=order, kind="placed")
    assert "银卡会员价 −2%" in html_part(message)
    assert "银卡会员价 −2%" in message.body
