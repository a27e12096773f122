"""Shared links (?ref=CODE): the visit is counted and remembered in a cookie, the visitor is
sent to the clean address, and pages without ?ref= pay nothing for it."""

import pytest
from django.http import HttpResponse

from apps.referrals import links
from apps.referrals.middleware import ReferralLinkMiddleware
from apps.referrals.models import ReferralVisit
from tests.catalog.factories import ProductFactory
from tests.referrals.factories import ShareCodeFactory, referral_cookie

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory()


@pytest.fixture
def share():
    return ShareCodeFactory()


def test_a_shared_link_counts_the_visit_and_redirects_to_the_clean_address(client, product, share):
    url = product.get_absolute_url()

    response = client.get(url, {"ref": share.code})

    assert response.status_code == 302
    assert response.url == url
    visit = ReferralVisit.objects.get()
    assert (visit.sharer, visit.path) == (share.member, url)
    assert links.COOKIE_NAME in response.cookies


def test_the_redirect_keeps_the_other_parameters(client, product, share):
    response = client.get(product.get_absolute_url(), {"sku": "7", "ref": share.code})

    assert response.url == product.get_absolute_url() + "?sku=7"


def test_the_same_browser_opening_the_link_again_counts_once(client, product, share):
    client.get(product.get_absolute_url(), {"ref": share.code})

    client.get(product.get_absolute_url(), {"ref": share.code})

    assert ReferralVisit.objects.count() == 1


def test_an_unknown_code_counts_nothing_and_sets_no_cookie(client, product):
    response = client.get(product.get_absolute_url(), {"ref": "nosuchcode"})

    assert response.status_code == 302
    assert ReferralVisit.objects.count() == 0
    assert links.COOKIE_NAME not in response.cookies


def test_a_shared_link_never_redirects_off_the_site(rf, share):
    middleware = ReferralLinkMiddleware(lambda request: HttpResponse())
    request = rf.get("/", {"ref": share.code})
    request.path = "//evil.example.com/"

    response = middleware(request)

    assert response.url == "/evil.example.com/"


def test_a_product_page_without_ref_costs_no_query_once_cached(
    client, product, django_assert_num_queries
):
    client.get(product.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(product.get_absolute_url())

    assert response["X-Page-Cache"] == "hit"


def test_the_clean_address_after_a_shared_link_is_served_from_the_page_cache(
    client, product, share
):
    client.get(product.get_absolute_url())  # cached for anonymous visitors

    followed = client.get(product.get_absolute_url(), {"ref": share.code}, follow=True)

    assert followed.status_code == 200
    assert followed["X-Page-Cache"] == "hit"


def test_a_cookie_older_than_the_referral_days_counts_for_nothing(rf, share):
    request = rf.get("/")
    request.COOKIES[links.COOKIE_NAME] = referral_cookie(share.code, days_ago=8)

    assert links.click_from_request(request) is None


def test_a_cookie_within_the_referral_days_counts(rf, share):
    request = rf.get("/")
    request.COOKIES[links.COOKIE_NAME] = referral_cookie(share.code, 5, days_ago=6)

    click = links.click_from_request(request)

    assert (click.code, click.visit_id) == (share.code, 5)


def test_a_forged_cookie_counts_for_nothing(rf, share):
    request = rf.get("/")
    request.COOKIES[links.COOKIE_NAME] = f"{share.code}:1:1700000000:forged"

    assert links.click_from_request(request) is None
