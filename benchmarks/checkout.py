"""Checkout under contention: 32 concurrent buyers race for one hot SKU on PostgreSQL.

Each buyer is its own process with its own database connection; every attempt puts one
unit in a cart and places the order through the real service (re-price, lock, reserve,
snapshot). Reports orders/s and checks that exactly `stock` orders succeeded (no oversell).

With --flash-sale the race is for a flash sale's units instead (apps.promotions): the SKU
keeps ample stock, a running flash sale on it has `--stock` units, and each attempt is a
different customer (its own email and phone, so the per-customer limit never refuses).
Exactly `--stock` orders must get the flash price, its quantity never below zero.

    python benchmarks/checkout.py [--buyers 32] [--stock 2000] [--flash-sale] [--database-url URL]
"""

import argparse
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    # As in production, the web process only enqueues emails; no worker runs here.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    import django

    django.setup()


def buyer(database_url, sku_id, attempts, barrier, results, flash_sale=False) -> None:
    """One buyer process: fills its carts first, then places orders as fast as it can once
    every buyer is ready, so only placing is timed."""
    setup_django(database_url)
    from apps.cart.models import Cart, CartLine
    from apps.core.choices import PaymentMethod, ShippingMethod
    from apps.orders import services
    from apps.orders.models import PickupPoint

    point_id = PickupPoint.objects.filter(is_active=True).values_list("pk", flat=True)[0]

    def details(number: int) -> services.CheckoutDetails:
        # A customer per attempt in a flash-sale run: the per-customer limit never refuses.
        who = f"{os.getpid()}-{number}" if flash_sale else "0"
        return services.CheckoutDetails(
            email=f"bench-{who}@example.com",
            phone=f"138{abs(hash(who)) % 10**8:08d}",
            recipient_name="压测",
            shipping_method=ShippingMethod.PICKUP,
            pickup_point_id=point_id,
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
        )

    carts = []
    for _ in range(attempts):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, sku_id=sku_id, quantity=1, price_seen=0)
        carts.append(cart)
    barrier.wait()
    started = time.perf_counter()
    placed = refused = 0
    for number, cart in enumerate(carts):
        try:
            services.order_place(
                cart=cart, details=details(number), idempotency_key=secrets.token_urlsafe(24)
            )
            placed += 1
        except (services.OutOfStock, services.OrderError):
            # Sold out, or (flash sale) its units went to faster buyers.
            refused += 1
    results.put((placed, refused, started, time.perf_counter()))


def _start_flash_sale(hot, *, units: int):
    """A flash sale running on the hot SKU with `units` units, the SKU's stock ample; the
    sale's price stays at the floor, so the price guard never changes it."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.cart.pricing import price_floor
    from apps.catalog.models import Sku
    from apps.promotions.models import FlashSale
    from apps.promotions.services import flash_sale_save

    Sku.objects.filter(pk=hot.pk).update(stock=units * 10)
    hot.refresh_from_db()
    FlashSale.objects.filter(sku=hot).update(is_active=False)
    now = timezone.now()
    return flash_sale_save(
        flash_sale=FlashSale(
            sku=hot,
            price=price_floor(hot.price),
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=1),
            quantity=units,
            per_customer_limit=1,
        )
    )


def _flash_figures(options, flash, hot, before, placed, refused, elapsed) -> dict:
    from django.db.models import Sum

    from apps.orders.models import Order
    from apps.promotions.models import FlashSaleClaim

    flash.refresh_from_db()
    claimed = FlashSaleClaim.objects.filter(flash_sale=flash).aggregate(n=Sum("quantity"))["n"]
    figures = {
        "buyers": options.buyers,
        "flash_units": options.stock,
        "attempts": placed + refused,
        "orders": Order.objects.filter(lines__sku=hot).count() - before,
        "at_flash_price": claimed or 0,
        "refused": refused,
        "flash_units_left": flash.quantity_left,
        "seconds": round(elapsed, 2),
        "orders_per_second": round(placed / elapsed, 1),
        "oversold": (claimed or 0) > options.stock or flash.quantity_left < 0,
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    figures["stock"] = options.stock
    figures["orders"] = claimed or 0
    return figures


def create_database(database_url: str) -> None:
    """Start from an empty database of that name on the server."""
    import psycopg2
    from psycopg2 import sql

    server, name = database_url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--stock", type=int, default=2000)
    parser.add_argument(
        "--flash-sale",
        action="store_true",
        help="Race for a flash sale's units (--stock of them) rather than the SKU's stock.",
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/shop_checkout_bench"
    )
    options = parser.parse_args()

    create_database(options.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup_django(options.database_url)
    from apps.catalog.demo import load_catalog
    from apps.catalog.models import Sku
    from apps.orders.demo import load_pickup_points
    from apps.orders.models import Order

    if not Sku.objects.exists():
        load_catalog(with_images=False)
    load_pickup_points()  # the buyers collect in store
    hot = Sku.objects.order_by("pk").first()
    flash = None
    if options.flash_sale:
        flash = _start_flash_sale(hot, units=options.stock)
    else:
        Sku.objects.filter(pk=hot.pk).update(stock=options.stock)
    before = Order.objects.filter(lines__sku=hot).count()
    # More attempts than stock, so the last units are fought over and some buyers lose.
    per_buyer = options.stock // options.buyers + 5
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(options.buyers), context.Queue()
    processes = [
        context.Process(
            target=buyer,
            args=(options.database_url, hot.pk, per_buyer, barrier, queue, options.flash_sale),
        )
        for _ in range(options.buyers)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(result[3] for result in results) - min(result[2] for result in results)
    placed = sum(result[0] for result in results)
    refused = sum(result[1] for result in results)
    hot.refresh_from_db()
    orders = Order.objects.filter(lines__sku=hot).count() - before
    if flash is not None:
        return _flash_figures(options, flash, hot, before, placed, refused, elapsed)
    figures = {
        "buyers": options.buyers,
        "stock": options.stock,
        "attempts": placed + refused,
        "orders": orders,
        "refused": refused,
        "stock_left": hot.stock,
        "seconds": round(elapsed, 2),
        "orders_per_second": round(placed / elapsed, 1),
        "oversold": orders > options.stock or hot.stock < 0,
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    return figures


if __name__ == "__main__":
    result = main()
    sys.exit(1 if result["oversold"] or result["orders"] != result["stock"] else 0)
