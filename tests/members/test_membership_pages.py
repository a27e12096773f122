"""What members and staff see of paid memberships: the member centre's membership line (only
the member's own), the back office's plans and periods, and what each staff role may do
with them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.members import services
from apps.members.models import MembershipPlan, TierEvent
from apps.orders.choices import PaymentStatus
from tests.catalog.factories import SkuFactory
from tests.members.factories import (
    MembershipFactory,
    MembershipPlanFactory,
    UserFactory,
    demo_tiers,
)
from tests.orders.factories import OrderFactory
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory
from tests.text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers():
    return demo_tiers()


@pytest.fixture
def plan(tiers):
    return MembershipPlanFactory(tier=tiers["Gold"])


def _gold_member(plan, *, ends_at=None):
    member = UserFactory()
    ends_at = ends_at or timezone.now() + timedelta(days=200)
    MembershipFactory(
        member=member, plan=plan, starts_at=ends_at - timedelta(days=365), ends_at=ends_at
    )
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF)
    return member


def test_member_centre_shows_the_membership_validity_and_renew_link(client, plan):
    ends_at = timezone.now() + timedelta(days=200)
    member = _gold_member(plan, ends_at=ends_at)
    client.force_login(member)

    response = client.get(reverse("members:dashboard"))

    text = visible_text(response)
    valid_until = timezone.localdate(ends_at).isoformat()
    assert _("Your tier: %(tier)s") % {"tier": "金卡"} in text
    assert (
        _("%(tier)s membership valid until %(date)s")
        % {
            "tier": "金卡",
            "date": valid_until,
        }
        in text
    )
    assert f'href="{plan.sku.product.get_absolute_url()}"' in response.content.decode()


def test_member_centre_progress_counts_spend_towards_the_tier_above_the_membership(client, plan):
    member = _gold_member(plan)
    OrderFactory(
        member=member,
        payment_status=PaymentStatus.PAID,
        total_amount=Decimal("168.00"),
        paid_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(member)

    response = client.get(reverse("members:dashboard"))

    progress = response.context["tier_progress"]
    assert (progress.tier.name, progress.spend, progress.next_tier.name, progress.needed) == (
        "金卡",
        Decimal("168.00"),
        "钻石",
        Decimal("4832.00"),
    )


def test_member_centre_offers_renewal_after_a_lapse(client, plan):
    ended = timezone.now() - timedelta(days=3)
    member = _gold_member(plan, ends_at=ended)
    client.force_login(member)

    text = visible_text(client.get(reverse("members:dashboard")))

    assert (
        _("Your %(tier)s membership ended on %(date)s.")
        % {
            "tier": "金卡",
            "date": timezone.localdate(ended).isoformat(),
        }
        in text
    )
    assert _("Renew membership") in text


def test_a_member_never_sees_another_members_membership(client, plan):
    _gold_member(plan)
    client.force_login(UserFactory())

    response = client.get(reverse("members:dashboard"))

    assert response.context["membership"] is None
    assert 'data-testid="membership"' not in response.content.decode()


def test_dashboard_with_a_membership_needs_seven_queries(
    client, plan, django_assert_max_num_queries
):
    client.force_login(_gold_member(plan))
    client.get(reverse("members:dashboard"))  # the menus and tiers, kept after a first page

    # session, member, recent orders, latest favourites, 12-month spend, memberships, and
    # the VIP tiers (kept after that)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("members:dashboard"))

    assert response.context["membership"].tier.name == "金卡"


# --- Back office ----------------------------------------------------------------------------


def test_member_page_lists_memberships_read_only(client, plan):
    member = _gold_member(plan)
    staff_client(client, StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:members_user_change", args=[member.pk]))

    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model.__name__ == "Membership"
    )
    assert len(inline.formset.forms) == 1
    assert not inline.has_add_permission
    assert not inline.has_change_permission


def test_store_manager_adds_a_membership_plan(client, tiers):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    sku = SkuFactory(price=Decimal("30.00"))

    response = client.post(
        reverse("admin:members_membershipplan_add"),
        {"sku": sku.pk, "tier": tiers["Diamond"].pk, "duration_days": 30, "is_active": "on"},
    )

    assert response.status_code == 302
    assert MembershipPlan.objects.get().tier == tiers["Diamond"]


def test_promotion_specialist_sees_plans_and_memberships(client, plan):
    _gold_member(plan)
    staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))

    plans = client.get(reverse("admin:members_membershipplan_changelist"))
    periods = client.get(reverse("admin:members_membership_changelist"))

    assert (plans.status_code, periods.status_code) == (200, 200)
    assert periods.context["cl"].result_count == 1


def test_promotion_specialist_cannot_change_a_plan(client, plan, tiers):
    staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))

    response = client.post(
        reverse("admin:members_membershipplan_change", args=[plan.pk]),
        {"sku": plan.sku.pk, "tier": tiers["Diamond"].pk, "duration_days": 30},
    )

    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.tier, plan.duration_days) == (tiers["Gold"], 365)


def test_warehouse_cannot_see_memberships(client, plan):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:members_membership_changelist"))

    assert response.status_code == 403
