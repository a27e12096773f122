from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.core import pagecache
from apps.promotions.models import Campaign, Coupon, Offer


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


class OfferFactory(DjangoModelFactory):
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


class CouponFactory(DjangoModelFactory):
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
