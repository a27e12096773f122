"""Shopper pages: the cart explains offers (applied, and what is missing), checkout takes a
coupon code through review to the order, the campaign landing page (staff preview before the
start), claiming coupons and "My coupons"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.orders.models import Order
from apps.promotions.models import CouponClaim, CouponUse
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.members.factories import UserFactory
from tests.promotions.factories import CampaignFactory, CouponFactory, OfferFactory
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

D = Decimal
CHECKOUT = {
    "email": "buyer@example.com",
    "shipping_method": "courier",
    "payment_method": "cod",
    "recipient_name": "李四",
    "phone": "138 0013 8000",
    "province": "310000",
    "city": "310100",
    "district": "310101",
    "street": "南京东路 1 号",
}


def add(client, sku, quantity=1):
    client.post(reverse("cart:add"), {"sku": sku.pk, "quantity": quantity})


# --- the cart -----------------------------------------------------------------------------------


def test_the_cart_says_which_offer_applied_and_how_far_the_next_tier_is(client):
    OfferFactory(name_en="Spend 199 save 20")
    add(client, SkuFactory(price=D("200.00")))

    with translation.override("en"):
        response = client.get(reverse("cart:detail"))

    promotions = response.context["promotions"]
    assert [(item.offer.name, item.saving) for item in promotions.applied_offers] == [
        ("Spend 199 save 20", D("20.00"))
    ]
    assert promotions.applied_offers[0].next_step == (D("199.00"), D("50.00"))
    assert "Add ¥199.00 more to save ¥50.00." in response.content.decode()


def test_the_cart_says_why_an_offer_did_not_apply(client):
    OfferFactory(name_en="Spend 199 save 20")
    add(client, SkuFactory(price=D("176.00")))

    with translation.override("en"):
        response = client.get(reverse("cart:detail"))

    content = response.content.decode()
    assert "Spend 199 save 20" in content
    assert "not applied yet. Add ¥23.00 more to save ¥20.00." in content


def test_the_cart_explains_how_discounts_combine(client):
    add(client, SkuFactory(price=D("10.00")))

    with translation.override("en"):
        response = client.get(reverse("cart:detail"))

    assert "How discounts combine" in response.content.decode()


def test_the_cart_reads_offers_without_a_query_once_kept(client, django_assert_num_queries):
    OfferFactory()
    add(client, SkuFactory(price=D("200.00")))
    client.get(reverse("cart:detail"))

    with django_assert_num_queries(3):  # as without offers (tests/cart/test_views.py)
        client.get(reverse("cart:detail"))


# --- checkout -----------------------------------------------------------------------------------


def test_a_coupon_code_goes_from_checkout_through_review_to_the_order(client):
    CouponFactory(code="WELCOME10")
    add(client, SkuFactory(price=D("199.00")))

    response = client.post(reverse("orders:checkout"), {**CHECKOUT, "coupon_code": "welcome10"})
    assert response.status_code == 302
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    client.post(reverse("orders:place"), {"idempotency_key": key})

    assert review.context["pricing"].discount_from("coupons") == D("10.00")
    order = Order.objects.get()
    assert (order.discount_amount, order.total_amount) == (D("10.00"), D("189.00") + D("12.00"))
    assert CouponUse.objects.get().order == order


def test_a_coupon_that_does_not_apply_stops_checkout_with_the_reason(client):
    CouponFactory(code="MIN", min_spend=D("299.00"))
    add(client, SkuFactory(price=D("199.00")))

    with translation.override("en"):
        response = client.post(reverse("orders:checkout"), {**CHECKOUT, "coupon_code": "MIN"})

    assert response.status_code == 200
    assert response.context["form"].errors["coupon_code"] == [
        "Add ¥100.00 more to use the code MIN (from ¥299.00)."
    ]
    assert "checkout" not in client.session


def test_applying_a_coupon_shows_its_saving_in_the_checkout_summary(client):
    CouponFactory(code="WELCOME10")
    add(client, SkuFactory(price=D("199.00")))

    response = client.post(
        reverse("orders:checkout"), {**CHECKOUT, "coupon_code": "WELCOME10", "refresh": "coupon"}
    )

    assert response.status_code == 200
    assert response.context["pricing"].discount_from("coupons") == D("10.00")
    assert response.context["form"].errors == {}


def test_review_sends_back_to_checkout_when_the_coupon_no_longer_applies(client):
    coupon = CouponFactory(code="WELCOME10")
    add(client, SkuFactory(price=D("199.00")))
    client.post(reverse("orders:checkout"), {**CHECKOUT, "coupon_code": "WELCOME10"})
    coupon.is_active = False
    coupon.save()
    from apps.core import pagecache

    pagecache.bump_version("catalog")

    response = client.get(reverse("orders:review"))

    assert response.status_code == 302
    assert response.url == reverse("orders:checkout")


# --- the campaign page --------------------------------------------------------------------------


def test_a_running_campaign_shows_its_offers_coupons_and_products(client):
    campaign = CampaignFactory(slug="double-12")
    product = ProductFactory(name_zh_hans="年终电饭煲")
    OfferFactory(campaign=campaign, name_zh_hans="满199减20", products=[product])
    CouponFactory(campaign=campaign, code="CAMP", claimable=True)

    response = client.get(reverse("promotions:campaign", args=["double-12"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "满199减20" in content
    assert [card.name for card in response.context["cards"]] == ["年终电饭煲"]
    assert 'name="coupon"' in content
    assert 'data-testid="preview"' not in content


def test_a_campaign_before_its_start_is_not_found_by_shoppers(client):
    now = timezone.now()
    CampaignFactory(slug="soon", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))

    response = client.get(reverse("promotions:campaign", args=["soon"]))

    assert response.status_code == 404


def test_staff_preview_a_campaign_before_its_start(client):
    now = timezone.now()
    CampaignFactory(slug="soon", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    client.force_login(StaffUserFactory(roles=["promotion_specialist"]))

    response = client.get(reverse("promotions:campaign", args=["soon"]))

    assert response.status_code == 200
    assert 'data-testid="preview"' in response.content.decode()


def test_a_member_is_not_served_a_staff_preview_from_the_cache(client):
    now = timezone.now()
    CampaignFactory(slug="soon", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    client.force_login(StaffUserFactory(roles=["promotion_specialist"]))
    client.get(reverse("promotions:campaign", args=["soon"]))
    client.logout()
    client.force_login(UserFactory())

    response = client.get(reverse("promotions:campaign", args=["soon"]))

    assert response.status_code == 404


def test_an_ended_campaign_is_not_found(client):
    now = timezone.now()
    CampaignFactory(slug="over", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))

    assert client.get(reverse("promotions:campaign", args=["over"])).status_code == 404


def test_the_campaign_page_is_cached_no_longer_than_its_end(client):
    campaign = CampaignFactory(slug="short", ends_at=timezone.now() + timedelta(seconds=30))

    response = client.get(reverse("promotions:campaign", args=[campaign.slug]))

    assert response.status_code == 200
    from apps.core.pagecache import _lifetime

    assert _lifetime(response.wsgi_request) <= 30


# --- claiming coupons -----------------------------------------------------------------------------


def test_a_member_claims_a_coupon_from_a_product_page_into_my_coupons(client):
    member = UserFactory()
    client.force_login(member)
    product = ProductFactory()
    coupon = CouponFactory(code="GRAB", claimable=True)

    fragment = client.get(reverse("promotions:product_coupons", args=[product.pk]))
    response = client.post(
        reverse("promotions:coupon_claim"),
        {"coupon": coupon.pk, "next": product.get_absolute_url()},
    )
    mine = client.get(reverse("promotions:my_coupons"))

    assert 'name="coupon"' in fragment.content.decode()
    assert response.url == product.get_absolute_url()
    assert CouponClaim.objects.get().member == member
    assert [item.coupon.code for item in mine.context["coupons"]] == ["GRAB"]


def test_claiming_twice_keeps_one_claim(client):
    client.force_login(UserFactory())
    coupon = CouponFactory(claimable=True)

    for _time in range(2):
        client.post(reverse("promotions:coupon_claim"), {"coupon": coupon.pk})

    assert CouponClaim.objects.count() == 1


def test_a_coupon_that_is_not_claimable_cannot_be_claimed(client):
    client.force_login(UserFactory())
    coupon = CouponFactory(claimable=False)

    client.post(reverse("promotions:coupon_claim"), {"coupon": coupon.pk})

    assert CouponClaim.objects.count() == 0


def test_a_guest_is_asked_to_log_in_to_claim(client):
    coupon = CouponFactory(claimable=True)

    response = client.post(reverse("promotions:coupon_claim"), {"coupon": coupon.pk})

    assert response.url.startswith(reverse("account_login"))
    assert CouponClaim.objects.count() == 0


def test_my_coupons_shows_only_my_claims(client):
    me, other = UserFactory(), UserFactory()
    mine, theirs = CouponFactory(claimable=True), CouponFactory(claimable=True)
    CouponClaim.objects.create(coupon=mine, member=me)
    CouponClaim.objects.create(coupon=theirs, member=other)
    client.force_login(me)

    response = client.get(reverse("promotions:my_coupons"))

    assert [item.coupon for item in response.context["coupons"]] == [mine]


def test_my_coupons_needs_a_login(client):
    response = client.get(reverse("promotions:my_coupons"))

    assert response.status_code == 302
