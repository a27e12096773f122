"""After-sales and the two order machines: which steps a request may take, which orders may
be returned, and returns holding off the order's completion."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from apps.aftersales import selectors, services
from apps.aftersales.models import ReturnKind, ReturnStatus
from apps.catalog.models import Product
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.orders.factories import delivered_order, request_return

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = "退货组 张师傅 13900001111 上海市黄浦区 南京东路 100 号"


def received(return_request):
    services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=None
    )
    return services.return_mark_received(return_request=return_request, actor=None)


def test_a_received_return_may_be_refunded_rejected_or_closed():
    return_request = received(request_return(order=delivered_order()))

    assert services.return_next_steps(return_request) == {
        ReturnStatus.REFUNDED,
        ReturnStatus.REJECTED,
        ReturnStatus.CLOSED,
    }


def test_a_received_exchange_may_have_its_replacement_shipped_but_not_be_refunded():
    return_request = received(request_return(order=delivered_order(), kind=ReturnKind.EXCHANGE))

    assert services.return_next_steps(return_request) == {
        ReturnStatus.EXCHANGE_SHIPPED,
        ReturnStatus.REJECTED,
        ReturnStatus.CLOSED,
    }


def test_a_finished_request_has_no_next_step():
    return_request = request_return(order=delivered_order())

    closed = services.return_close(return_request=return_request, actor=None)

    assert services.return_next_steps(closed) == set()


def test_an_order_refunded_in_full_after_delivery_can_no_longer_be_returned():
    order = delivered_order()
    order_services.order_refund(order=order)

    refusal = selectors.order_return_refusal(order=Order.objects.get(pk=order.pk))

    assert refusal == gettext("Returns and exchanges can be asked for once the order is delivered.")


def test_a_partly_refunded_delivered_order_can_still_return_the_rest():
    sku = SkuFactory(stock=5)
    order = delivered_order(items=[(sku, 2)])
    order_services.order_refund(order=order, lines={order.lines.get().pk: 1})

    return_request = request_return(
        order=Order.objects.get(pk=order.pk), lines={order.lines.get().pk: 1}
    )

    assert return_request.lines.get().quantity == 1


def test_an_order_with_an_open_return_is_not_completed_when_its_window_ends():
    order = delivered_order()
    request_return(order=order)
    Order.objects.filter(pk=order.pk).update(
        delivered_at=timezone.now() - timedelta(days=settings.SHOP_RETURN_DAYS + 1)
    )

    assert order_services.orders_complete_delivered() == 0
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.DELIVERED


def test_a_replacement_sent_for_an_exchange_does_not_count_as_a_sale():
    sku = SkuFactory(stock=5)
    return_request = received(
        request_return(order=delivered_order(items=[(sku, 1)]), kind=ReturnKind.EXCHANGE)
    )

    services.return_ship_exchange(
        return_request=return_request, carrier="顺丰速运", tracking_number="SF9", actor=None
    )

    product = Product.objects.get(pk=sku.product_id)
    assert (product.sales_count, product.total_stock) == (1, 4)


def test_an_exchange_without_stock_names_the_replacement_that_is_missing():
    sku = SkuFactory(stock=1)
    return_request = received(
        request_return(order=delivered_order(items=[(sku, 1)]), kind=ReturnKind.EXCHANGE)
    )

    with pytest.raises(services.OutOfStock) as refusal:
        services.return_ship_exchange(
            return_request=return_request, carrier="顺丰速运", tracking_number="SF3", actor=None
        )

    assert str(refusal.value) == gettext(
        "%(name)s is out of stock: the replacement cannot be sent yet."
    ) % {"name": sku}
