"""满减 offers and coupons as inputs of the one pricing service: a table of member tier ×
offer × coupon × festival flag with the goods' totals they give, the floor and the cents,
and properties that hold for any cart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.cart.pricing import PricingContext, price_floor, price_items
from apps.promotions.coupons import coupon_label
from apps.promotions.models import Coupon, Offer
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.members.factories import TierFactory, UserFactory
from tests.promotions.factories import CampaignFactory, CouponFactory, OfferFactory

pytestmark = pytest.mark.django_db

D = Decimal


def price(items, *, member=None, codes=()):
    return price_items(
        items=[(sku, quantity, None) for sku, quantity in items],
        context=PricingContext(buyer=member, coupon_codes=tuple(codes)),
    )


def goods(pricing) -> Decimal:
    return pricing.subtotal - pricing.discount


def make_offer(kind, campaign=None):
    if kind is None:
        return None
    if kind == "tiers":
        return OfferFactory(campaign=campaign)
    if kind == "steep":  # more than the floor allows on a basket at its threshold
        return OfferFactory(campaign=campaign, tiers=[["199.00", "80.00"]])
    if kind == "repeat":
        return OfferFactory(
            campaign=campaign,
            kind=Offer.Kind.REPEATING,
            tiers=[],
            repeat_every=D("300.00"),
            repeat_amount=D("50.00"),
            repeat_limit=2,
        )
    raise AssertionError(kind)


def make_coupon(kind, campaign=None):
    if kind is None:
        return None
    if kind == "10off99":
        return CouponFactory(code="TEN", campaign=campaign)
    if kind == "15pct_cap20":
        return CouponFactory(
            code="TEN",
            campaign=campaign,
            kind=Coupon.Kind.PERCENT,
            amount=None,
            percent=15,
            max_discount=D("20.00"),
            min_spend=D("0.00"),
        )
    if kind == "10pct":
        return CouponFactory(
            code="TEN",
            campaign=campaign,
            kind=Coupon.Kind.PERCENT,
            amount=None,
            percent=10,
            min_spend=D("0.00"),
        )
    if kind == "80off":
        return CouponFactory(code="TEN", campaign=campaign, amount=D("80.00"), min_spend=0)
    raise AssertionError(kind)


# (case, tier %, list price, quantity, offer, coupon, campaign: None / "festival" /
#  "festival later" / "plain", expected goods total, expected discounts by rule)
TABLE = [
    ("nothing", 0, "100.00", 2, None, None, None, "200.00", {}),
    ("tier 1 reached", 0, "100.00", 2, "tiers", None, None, "180.00", {"offers": "20.00"}),
    ("tier 2 reached", 0, "100.00", 4, "tiers", None, None, "350.00", {"offers": "50.00"}),
    ("member price misses tier 1", 10, "100.00", 2, "tiers", None, None, "180.00", {}),
    (
        "member price then tier 1",
        10,
        "100.00",
        3,
        "tiers",
        None,
        None,
        "250.00",
        {"offers": "20.00"},
    ),
    (
        "offer then coupon",
        0,
        "100.00",
        2,
        "tiers",
        "10off99",
        None,
        "170.00",
        {"offers": "20.00", "coupons": "10.00"},
    ),
    ("coupon minimum spend not reached", 0, "49.00", 2, None, "10off99", None, "98.00", {}),
    (
        "percent coupon capped",
        0,
        "100.00",
        2,
        None,
        "15pct_cap20",
        None,
        "180.00",
        {"coupons": "20.00"},
    ),
    (
        "percent rounded down to the cent",
        0,
        "33.33",
        3,
        None,
        "10pct",
        None,
        "90.00",
        {"coupons": "9.99"},
    ),
    ("repeating twice", 0, "100.00", 7, "repeat", None, None, "600.00", {"offers": "100.00"}),
    (
        "repeating at most twice",
        0,
        "100.00",
        10,
        "repeat",
        None,
        None,
        "900.00",
        {"offers": "100.00"},
    ),
    ("floor holds", 0, "100.00", 2, "steep", None, None, "140.00", {"offers": "60.00"}),
    (
        "floor lifted by a running festival",
        0,
        "100.00",
        2,
        "steep",
        None,
        "festival",
        "120.00",
        {"offers": "80.00"},
    ),
    (
        "festival not started: floor holds",
        0,
        "100.00",
        2,
        "steep",
        None,
        "festival later",
        "140.00",
        {"offers": "60.00"},
    ),
    (
        "plain campaign: floor holds",
        0,
        "100.00",
        2,
        "steep",
        None,
        "plain",
        "140.00",
        {"offers": "60.00"},
    ),
    (
        "coupon gives way first to the floor",
        10,
        "100.00",
        3,
        "tiers",
        "80off",
        None,
        "210.00",
        {"offers": "20.00", "coupons": "40.00"},
    ),
    (
        "festival coupon below the floor",
        0,
        "100.00",
        1,
        None,
        "80off",
        "festival",
        "20.00",
        {"coupons": "80.00"},
    ),
    (
        "coupon alone held at the floor",
        0,
        "100.00",
        1,
        None,
        "80off",
        None,
        "70.00",
        {"coupons": "30.00"},
    ),
]


@pytest.mark.parametrize(
    ("tier", "list_price", "quantity", "offer", "coupon", "campaign", "expected", "by_rule"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_pricing_table(tier, list_price, quantity, offer, coupon, campaign, expected, by_rule):
    now = timezone.now()
    festival = None
    if campaign == "festival":
        festival = CampaignFactory(is_major_festival=True)
    elif campaign == "festival later":
        festival = CampaignFactory(
            is_major_festival=True,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=2),
        )
    elif campaign == "plain":
        festival = CampaignFactory(is_major_festival=False)
    make_offer(offer, festival)
    made = make_coupon(coupon, festival)
    member = (
        UserFactory(tier=TierFactory(threshold_amount=D("1000"), discount_percent=D(tier)))
        if tier
        else None
    )
    sku = SkuFactory(price=D(list_price), stock=50)

    pricing = price([(sku, quantity)], member=member, codes=[made.code] if made else [])

    assert goods(pricing) == D(expected)
    assert {
        rule: str(pricing.discount_from(rule))
        for rule in ("offers", "coupons")
        if pricing.discount_from(rule)
    } == by_rule


def test_the_offer_is_labelled_with_its_name_and_the_coupon_with_its_code():
    OfferFactory(name_zh_hans="满199减20")
    CouponFactory(code="WELCOME10")

    pricing = price([(SkuFactory(price=D("199.00")), 1)], codes=["welcome10"])

    assert [(item.label, item.amount) for item in pricing.discounts] == [
        ("满199减20", D("20.00")),
        (coupon_label("WELCOME10"), D("10.00")),
    ]


def test_an_offer_is_spread_over_its_lines_to_the_cent():
    OfferFactory()
    cheap, dear = SkuFactory(price=D("33.33")), SkuFactory(price=D("99.01"))

    pricing = price([(cheap, 3), (dear, 1)])

    assert pricing.subtotal == D("199.00")
    assert [line.discount_amount for line in pricing.lines] == [D("10.05"), D("9.95")]
    assert goods(pricing) == D("179.00")


def test_an_offer_counts_only_the_lines_in_its_scope():
    inside, outside = ProductFactory(), ProductFactory()
    OfferFactory(products=[inside])
    sku_in = SkuFactory(product=inside, price=D("150.00"))
    sku_out = SkuFactory(product=outside, price=D("150.00"))

    pricing = price([(sku_in, 1), (sku_out, 1)])

    assert pricing.discount == D("0.00")


def test_an_offer_scoped_to_a_category_reaches_its_sub_categories(settings):
    parent = ProductFactory().category
    from tests.catalog.factories import CategoryFactory

    child = CategoryFactory(series=parent.series, parent=parent)
    product = ProductFactory(category=child)
    OfferFactory(categories=[parent])

    pricing = price([(SkuFactory(product=product, price=D("199.00")), 1)])

    assert pricing.discount_from("offers") == D("20.00")


def test_a_line_counts_for_one_offer_only_the_one_saving_most():
    OfferFactory(tiers=[["199.00", "20.00"]])
    best = OfferFactory(tiers=[["199.00", "30.00"]])

    pricing = price([(SkuFactory(price=D("199.00")), 1)])

    assert [(item.label, item.amount) for item in pricing.discounts] == [(best.name, D("30.00"))]


def test_an_offer_outside_its_window_or_switched_off_gives_nothing():
    now = timezone.now()
    OfferFactory(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    OfferFactory(is_active=False)

    pricing = price([(SkuFactory(price=D("399.00")), 1)])

    assert pricing.discount == D("0.00")


# --- properties ---------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    festival = CampaignFactory(is_major_festival=True)
    return {
        "skus": [
            SkuFactory(price=D(value), stock=99) for value in ("0.99", "33.33", "99.00", "259.00")
        ],
        "festival": festival,
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quantities=st.lists(st.integers(min_value=0, max_value=5), min_size=4, max_size=4),
    spend=st.integers(min_value=1, max_value=600),
    save_share=st.integers(min_value=1, max_value=95),
    coupon_off=st.integers(min_value=0, max_value=300),
    festival=st.booleans(),
)
def test_totals_are_never_negative_nor_below_the_floor_outside_a_festival(
    catalogue, quantities, spend, save_share, coupon_off, festival
):
    Offer.objects.all().delete()
    Coupon.objects.all().delete()
    campaign = catalogue["festival"] if festival else None
    threshold = D(spend)
    OfferFactory(
        campaign=campaign,
        tiers=[
            [str(threshold), str((threshold * save_share / 100).quantize(D("0.01")) or D("0.01"))]
        ],
    )
    codes = []
    if coupon_off:
        codes = [CouponFactory(campaign=campaign, amount=D(coupon_off), min_spend=0).code]
    items = [
        (sku, quantity)
        for sku, quantity in zip(catalogue["skus"], quantities, strict=True)
        if quantity
    ]

    pricing = price(items, codes=codes)

    assert pricing.total >= 0
    assert all(line.paid_amount >= 0 for line in pricing.lines)
    if not festival:
        for line in pricing.lines:
            assert line.paid_amount >= price_floor(line.list_price) * line.quantity
