import secrets
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.core import pagecache
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.payments import services as payment_services
from apps.promotions import services
from apps.promotions.models import Campaign, Coupon, FlashSale, GroupBuy, Offer
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import checkout_details


def hours(number: float) -> timedelta:
    return timedelta(hours=number)


class CampaignFactory(DjangoModelFactory):
    """A campaign running from an hour ago for a week."""

    class Meta:
        model = Campaign

    name_zh_hans = factory.Sequence(lambda n: f"大促{n}")
    name_en = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - hours(1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + hours(24 * 7))
    is_major_festival = False


class ScopedPromotionFactory(DjangoModelFactory):
    """An offer's or coupon's scope, given as `products=`, `series=` or `categories=`; the
    kept offers and coupons are read again at once."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)

    @factory.post_generation
    def series(self, create, extracted, **kwargs):
        if create and extracted:
            self.series.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def kept_offers_forgotten(self, create, extracted, **kwargs):
        # After commit in the shop (apps.promotions.receivers); tests run in one transaction.
        if create:
            pagecache.bump_version("catalog")


class OfferFactory(ScopedPromotionFactory):
    """A running whole-shop offer: spend ¥199 save ¥20, spend ¥399 save ¥50."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    name_zh_hans = factory.Sequence(lambda n: f"满减{n}")
    name_en = factory.Sequence(lambda n: f"Offer {n}")
    kind = Offer.Kind.TIERS
    tiers = factory.LazyFunction(lambda: [["199.00", "20.00"], ["399.00", "50.00"]])
    starts_at = factory.LazyFunction(lambda: timezone.now() - hours(1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + hours(24))


class CouponFactory(ScopedPromotionFactory):
    """A running whole-shop coupon: ¥10 off from ¥99, once per customer, no total limit."""

    class Meta:
        model = Coupon
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SAVE{n}")
    name_zh_hans = factory.Sequence(lambda n: f"优惠券{n}")
    name_en = factory.Sequence(lambda n: f"Coupon {n}")
    kind = Coupon.Kind.AMOUNT
    amount = Decimal("10.00")
    min_spend = Decimal("99.00")
    per_customer_limit = 1
    starts_at = factory.LazyFunction(lambda: timezone.now() - hours(1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + hours(24))


class FlashSaleFactory(DjangoModelFactory):
    """A flash sale running now on a ¥399 SKU at ¥299 (above the ¥279.30 floor): 10 units,
    2 per customer. Created sales reach pages and prices at once (the catalog version)."""

    class Meta:
        model = FlashSale
        skip_postgeneration_save = True

    sku = factory.SubFactory(SkuFactory, price=Decimal("399.00"), stock=100)
    price = Decimal("299.00")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))
    quantity = 10
    quantity_left = factory.SelfAttribute("quantity")
    per_customer_limit = 2

    @factory.post_generation
    def kept_promotions_forgotten(self, create, extracted, **kwargs):
        if create:
            pagecache.bump_version("catalog")


def group_buy(**overrides) -> GroupBuy:
    """A group buy opened through the real service: ¥399 SKU at ¥299, 3 buyers needed, 10
    units reserved from a stock of 50, deadline in 2 days."""
    values = {
        "price": Decimal("299.00"),
        "target_buyers": 3,
        "deadline": timezone.now() + timedelta(days=2),
        "reserved_quantity": 10,
    }
    values.update(overrides)
    if "sku" not in values:
        values["sku"] = SkuFactory(price=Decimal("399.00"), stock=50)
    created = services.group_buy_create(**values)
    pagecache.bump_version("catalog")
    return created


def join(deal, *, email="buyer@example.com", extra_sku=None) -> Order:
    """An order placed through checkout by a cart joining the group buy."""
    cart = CartFactory(joining_group_buy=deal.pk)
    CartLineFactory(cart=cart, sku=deal.sku, quantity=1)
    if extra_sku is not None:
        CartLineFactory(cart=cart, sku=extra_sku, quantity=1)
    order = order_services.order_place(
        cart=cart,
        details=checkout_details(email=email),
        idempotency_key=secrets.token_urlsafe(24),
    )
    pagecache.bump_version("catalog")  # as the order's commit does: pages show the progress
    return order


def pay(order: Order, *, at=None) -> Order:
    """The order paid through the simulator's notification (`at`: when, if not now)."""
    payment_services.payment_record(
        order=order,
        provider="simulator",
        provider_event_id=f"paid-{order.number}",
        amount=order.total_amount,
    )
    if at is not None:
        Order.objects.filter(pk=order.pk).update(paid_at=at)
    return Order.objects.get(pk=order.pk)
