"""Catalog pages for visitors with a session (members, guests with a cart): kept per what the
page shows them (tier prices, signed in or not, cart and comparison counts, a saved
product's heart), each copy with the visitor's own CSRF token, never one visitor's copy for
another who would see something different."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.catalog.services import products_set_published
from tests.catalog.factories import SkuFactory
from tests.favourites.factories import FavouriteFactory
from tests.members.factories import UserFactory, demo_tiers
from tests.text import visible_text

pytestmark = pytest.mark.django_db

LISTING = "/products/"


@pytest.fixture
def tiers():
    return demo_tiers()


@pytest.fixture
def sku():
    return SkuFactory(price=Decimal("399.00"), stock=20)


def signed_in(member, **options) -> Client:
    client = Client(**options)
    client.force_login(member)
    return client


def form_token(response) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)[1].decode()


def test_members_of_one_tier_share_a_copy_with_their_own_form_token(tiers, sku):
    url = sku.product.get_absolute_url()
    first = signed_in(UserFactory(tier=tiers["Gold"])).get(url)
    second_member = signed_in(UserFactory(tier=tiers["Gold"]), enforce_csrf_checks=True)

    hit = second_member.get(url)
    added = second_member.post(
        reverse("catalog:compare_add"),
        {"product": sku.product.pk, "csrfmiddlewaretoken": form_token(hit)},
    )

    assert (first["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    secret = second_member.cookies[settings.CSRF_COOKIE_NAME].value
    assert _unmask_cipher_token(form_token(hit)) == secret
    assert added.status_code == 302


def test_a_member_of_another_tier_gets_a_copy_of_their_own(tiers, sku):
    url = sku.product.get_absolute_url()
    signed_in(UserFactory(tier=tiers["Gold"])).get(url)

    silver = signed_in(UserFactory(tier=tiers["Silver"])).get(url)

    assert silver["X-Page-Cache"] == "miss"
    assert "¥391.02" in visible_text(silver)  # 399.00 × 98%, not the gold price
    assert "¥379.05" not in visible_text(silver)


def test_a_members_copy_is_never_served_to_a_visitor_without_a_session(tiers, sku):
    url = sku.product.get_absolute_url()
    signed_in(UserFactory(tier=tiers["Gold"])).get(url)

    anonymous = Client().get(url)

    assert anonymous["X-Page-Cache"] == "miss"
    assert _("Log in") in visible_text(anonymous)
    assert _("My account") not in visible_text(anonymous)


def test_the_cart_count_in_the_header_follows_the_cart(tiers, sku):
    member = signed_in(UserFactory(tier=tiers["Gold"]))
    before = member.get(LISTING)
    member.post(reverse("cart:add"), {"sku": sku.pk, "quantity": 2})
    member.get(reverse("cart:detail"))  # shows the "in your cart" message

    after = member.get(LISTING)

    assert 'class="badge-count"' not in before.content.decode()
    assert after["X-Page-Cache"] == "miss"
    assert re.search(r'<span class="badge-count"[^>]*>2</span>', after.content.decode())


def test_a_waiting_message_is_shown_once_and_never_kept(tiers, sku):
    member = signed_in(UserFactory(tier=tiers["Gold"]))
    member.get(LISTING)
    member.post(reverse("catalog:compare_add"), {"product": sku.product.pk})
    message = _("%(name)s is in your comparison.") % {"name": sku.product.name}

    shown = member.get(LISTING)
    later = member.get(LISTING)

    assert message in visible_text(shown)
    assert "X-Page-Cache" not in shown
    assert message not in visible_text(later)


def test_a_guest_with_a_comparison_gets_a_copy_with_its_count(sku):
    guest = Client()
    guest.post(reverse("catalog:compare_add"), {"product": sku.product.pk})
    guest.get(LISTING)  # the message

    first = guest.get(LISTING)
    again = guest.get(LISTING)

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert f"{_('Compare')} (1)" in visible_text(again)


def test_a_saved_products_heart_is_the_members_own(tiers, sku):
    url = sku.product.get_absolute_url()
    saver = UserFactory(tier=tiers["Gold"])
    FavouriteFactory(member=saver, product=sku.product)
    saved = signed_in(saver).get(url)

    other = signed_in(UserFactory(tier=tiers["Gold"])).get(url)

    assert 'aria-pressed="true"' in saved.content.decode()
    assert 'aria-pressed="false"' in other.content.decode()


def test_saving_a_product_shows_on_its_page_at_once(tiers, sku):
    url = sku.product.get_absolute_url()
    member = signed_in(UserFactory(tier=tiers["Gold"]))
    before = member.get(url)

    member.post(reverse("favourites:toggle"), {"product": sku.product.pk}, HTTP_HX_REQUEST="true")
    after = member.get(url)

    assert 'aria-pressed="false"' in before.content.decode()
    assert 'aria-pressed="true"' in after.content.decode()


def test_a_catalog_change_reaches_members_copies(tiers, sku):
    url = sku.product.get_absolute_url()
    member = signed_in(UserFactory(tier=tiers["Gold"]))
    member.get(url)

    products_set_published(product_ids=[sku.product.pk], published=False)

    assert member.get(url).status_code == 404


def test_a_guests_copy_is_never_a_members(tiers, sku):
    signed_in(UserFactory(tier=tiers["Member"])).get(LISTING)  # no discount: no tier prices
    guest = Client()
    guest.post(reverse("catalog:compare_add"), {"product": sku.product.pk})
    guest.post(reverse("catalog:compare_clear"))  # a session, nothing counted in the header
    guest.get(LISTING)  # the message

    page = guest.get(LISTING)

    assert _("Log in") in visible_text(page)
    assert _("My account") not in visible_text(page)
