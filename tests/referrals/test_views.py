"""The share page (a member's own link to a product), My shares, and the product page's
Share link, which is the same for every visitor."""

import pytest
from django.urls import reverse

from apps.referrals.models import ShareCode
from tests.catalog.factories import ProductFactory
from tests.members.factories import UserFactory
from tests.referrals.factories import ReferralFactory, ReferralVisitFactory, ShareCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory()


@pytest.fixture
def member():
    return UserFactory()


def test_the_share_page_gives_the_members_link_in_a_readonly_field(client, member, product):
    client.force_login(member)

    response = client.get(reverse("referrals:share"), {"product": product.pk})

    code = ShareCode.objects.get(member=member).code
    content = response.content.decode()
    assert f'{product.get_absolute_url()}?ref={code}"' in content
    assert "readonly" in content


def test_the_share_code_stays_the_same(client, member, product):
    client.force_login(member)
    client.get(reverse("referrals:share"), {"product": product.pk})

    client.get(reverse("referrals:share"), {"product": product.pk})

    assert ShareCode.objects.filter(member=member).count() == 1


def test_the_share_page_asks_a_guest_to_log_in(client, product):
    response = client.get(reverse("referrals:share"), {"product": product.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_sharing_an_unknown_product_is_not_found(client, member):
    client.force_login(member)

    response = client.get(reverse("referrals:share"), {"product": "abc"})

    assert response.status_code == 404


def test_the_product_page_links_to_the_share_page(client, product):
    response = client.get(product.get_absolute_url())

    assert f"{reverse('referrals:share')}?product={product.pk}" in response.content.decode()


def test_my_shares_counts_visits_sign_ups_and_points(client, member):
    ReferralVisitFactory.create_batch(3, sharer=member, path="/product/kettle/")
    ReferralFactory(sharer=member, points_awarded=200, rewarded_at="2026-01-01T00:00Z")
    client.force_login(member)

    response = client.get(reverse("referrals:mine"))

    summary = response.context["summary"]
    assert (summary.visits, summary.signups, summary.orders, summary.points) == (3, 1, 0, 200)
    assert "/product/kettle/" in response.content.decode()


def test_my_shares_shows_only_the_members_own(client, member):
    other = UserFactory()
    ReferralVisitFactory(sharer=other, path="/product/secret/")
    ReferralFactory(sharer=other, points_awarded=200)
    client.force_login(member)

    response = client.get(reverse("referrals:mine"))

    summary = response.context["summary"]
    assert (summary.visits, summary.signups, summary.points) == (0, 0, 0)
    assert "/product/secret/" not in response.content.decode()


def test_staff_see_the_top_sharers_most_points_first(admin_client):
    low, high = ShareCodeFactory(), ShareCodeFactory()
    ReferralFactory(sharer=low.member, points_awarded=100)
    ReferralFactory(sharer=high.member, points_awarded=500)
    ReferralVisitFactory(sharer=high.member)

    response = admin_client.get(reverse("admin:referrals_sharecode_changelist"))

    rows = list(response.context["cl"].result_list)
    assert [(row.member, row.points_kept, row.visit_count) for row in rows] == [
        (high.member, 500, 1),
        (low.member, 100, 0),
    ]
