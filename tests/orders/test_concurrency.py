"""Races on real PostgreSQL: many buyers for the last units, opposite lock orders, and the same
checkout form posted many times at once."""

import secrets
import threading

import pytest
from django.db import connection

from apps.catalog.models import Sku
from apps.orders import services
from apps.orders.models import Order
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import checkout_details

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def worker(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def buyer(sku, quantity=1, key=None):
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    key = key or secrets.token_urlsafe(24)
    return lambda: services.order_place(cart=cart, details=checkout_details(), idempotency_key=key)


def test_many_buyers_for_the_last_units_never_oversell():
    sku = SkuFactory(stock=5)
    buyers = [buyer(sku) for _ in range(16)]

    results, errors = run_at_once(buyers)

    assert len(results) == 5
    assert all(isinstance(error, services.OutOfStock) for error in errors)
    assert len(errors) == 11
    assert Sku.objects.get(pk=sku.pk).stock == 0
    assert Order.objects.count() == 5


def test_carts_with_the_same_skus_in_opposite_order_do_not_deadlock():
    first, second = SkuFactory(stock=50), SkuFactory(stock=50)
    functions = []
    for index in range(8):
        cart = CartFactory()
        pair = (first, second) if index % 2 else (second, first)
        for sku in pair:
            CartLineFactory(cart=cart, sku=sku, quantity=1)
        key = secrets.token_urlsafe(24)
        functions.append(
            lambda cart=cart, key=key: services.order_place(
                cart=cart, details=checkout_details(), idempotency_key=key
            )
        )

    results, errors = run_at_once(functions)

    assert errors == []
    assert len(results) == 8
    assert Sku.objects.get(pk=first.pk).stock == 42
    assert Sku.objects.get(pk=second.pk).stock == 42


def test_the_same_form_posted_ten_times_at_once_makes_one_order():
    sku = SkuFactory(stock=50)
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=2)
    key = secrets.token_urlsafe(24)
    place = lambda: services.order_place(  # noqa: E731
        cart=cart, details=checkout_details(), idempotency_key=key
    )

    results, errors = run_at_once([place] * 10)

    assert errors == []
    assert len({order.pk for order in results}) == 1
    assert Order.objects.count() == 1
    assert Sku.objects.get(pk=sku.pk).stock == 48
