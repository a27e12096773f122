import re
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from apps.aftersales import services
from apps.aftersales.emails import return_email
from apps.aftersales.models import ReturnKind, ReturnReason
from tests.catalog.factories import SkuFactory
from tests.orders.factories import delivered_order, request_return

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = "退货组 张师傅 13900001111\n上海市黄浦区 南京东路 100 号"


def html_part(message) -> str:
    [(html, _mimetype)] = message.alternatives
    return html


def button_path(message) -> str:
    [href] = re.findall(r'<a class="button" href="([^"]+)"', html_part(message))
    return urlsplit(href).path


def approved_return():
    order = delivered_order(items=[(SkuFactory(), 2)])
    return_request = request_return(order=order, lines={order.lines.get().pk: 1})
    return services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=None
    )


def test_return_email_html_carries_its_styles_inline_and_the_address():
    message = return_email(return_request=approved_return(), step="approved")

    html = html_part(message)
    assert re.search(r'<a class="button" href="[^"]+" style="[^"]*background-color: #e4393c', html)
    assert "退货组 张师傅 13900001111<br>上海市黄浦区 南京东路 100 号" in html


def test_return_email_text_lists_the_returned_units_and_where_to_send_them():
    return_request = approved_return()
    line = return_request.order.lines.get()

    body = return_email(return_request=return_request, step="approved").body

    assert RETURN_ADDRESS in body
    assert f"{line.product_name} {line.sku_options} × 1" in body
    assert "<" not in body


def test_refund_step_shows_the_amount_refunded():
    return_request = approved_return()
    services.return_mark_received(return_request=return_request, actor=None)
    refunded = services.return_refund(return_request=return_request, actor=None)

    message = return_email(return_request=refunded, step="refunded")

    assert re.search(r"^已退款 +¥199\.00$", message.body, re.M)
    assert "¥199.00" in html_part(message)


def test_return_email_button_opens_the_order_and_then_the_request(client):
    return_request = approved_return()
    message = return_email(return_request=return_request, step="approved")

    order_page = client.get(button_path(message))
    request_page = client.get(return_request.get_absolute_url())

    assert order_page.context["order"] == return_request.order
    assert return_request.number in order_page.content.decode()
    assert request_page.status_code == 200


def test_exchange_email_names_the_replacement_option():
    order = delivered_order(items=[(SkuFactory(), 1)])
    line = order.lines.get()
    other = SkuFactory(product=line.sku.product, options_zh_hans="黑色", price=line.sku.price)
    exchange = request_return(
        order=order,
        lines={line.pk: 1},
        kind=ReturnKind.EXCHANGE,
        reason=ReturnReason.QUALITY,
        replacements={line.pk: other.pk},
    )

    message = return_email(return_request=exchange, step="requested")

    assert "黑色" in message.body
    assert "黑色" in html_part(message)


def test_return_email_has_a_message_id_on_the_shops_domain():
    with override_settings(DEFAULT_FROM_EMAIL="家味电器 <service@jiawei.example>"):
        message = return_email(return_request=approved_return(), step="approved")

    assert message.extra_headers["Message-ID"].endswith("@jiawei.example>")
