"""Every write to a member's profile and address book.

Address book rule: a member with any address has exactly one default address. The first
address becomes the default, choosing another default un-marks the old one, and deleting the
default promotes the most recently added of the others. Each write locks the member's row,
so two requests for the same member never race past the one-default constraint.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import pagecache
from apps.members import regions, selectors
from apps.members.backends import member_row_forget
from apps.members.models import Address, Membership, MembershipPlan, Tier, TierEvent, User
from apps.members.validators import normalise_mobile

logger = logging.getLogger(__name__)

# Enough for home, work and family; keeps the address book (and the checkout's list) short.
MAX_ADDRESSES_PER_MEMBER = 20


class MemberError(Exception):
    """A change to a member's details refused, with a message for the shopper."""


class AddressError(MemberError):
    """An address refused, with a message for the shopper."""


def member_profile_update(*, member: User, first_name: str, last_name: str, phone: str) -> User:
    """Save the member's name and mobile number (11 digits, or empty to remove it)."""
    if phone:
        try:
            phone = normalise_mobile(phone)
        except ValidationError as error:
            raise MemberError(error.messages[0]) from error
    member.first_name = first_name.strip()
    member.last_name = last_name.strip()
    member.phone = phone
    member.save(update_fields=["first_name", "last_name", "phone"])
    logger.info("member.profile_updated", extra={"member_id": member.pk})
    return member


def _lock_member(member_id: int) -> None:
    User.objects.select_for_update().filter(pk=member_id).values_list("pk").first()


def _checked_fields(
    *,
    recipient_name: str,
    mobile: str,
    province_code: str,
    city_code: str,
    district_code: str,
    street: str,
    postal_code: str,
) -> dict:
    """The address columns to store, with region names taken from the codes, never typed."""
    if not regions.is_valid_chain(province_code, city_code, district_code):
        raise AddressError(_("Choose a province, one of its cities and one of its districts."))
    try:
        mobile = normalise_mobile(mobile)
    except ValidationError as error:
        raise AddressError(error.messages[0]) from error
    recipient_name, street, postal_code = (
        recipient_name.strip(),
        street.strip(),
        postal_code.strip(),
    )
    if not recipient_name or not street:
        raise AddressError(_("Enter the recipient's name and the street address."))
    if postal_code and not (len(postal_code) == 6 and postal_code.isdigit()):
        raise AddressError(_("A postal code has six digits."))
    return {
        "recipient_name": recipient_name,
        "mobile": mobile,
        "province_code": province_code,
        "province_name": regions.name_of(province_code),
        "city_code": city_code,
        "city_name": regions.name_of(city_code),
        "district_code": district_code,
        "district_name": regions.name_of(district_code),
        "street": street,
        "postal_code": postal_code,
    }


@transaction.atomic
def address_create(
    *,
    member: User,
    recipient_name: str,
    mobile: str,
    province_code: str,
    city_code: str,
    district_code: str,
    street: str,
    postal_code: str = "",
    is_default: bool = False,
) -> Address:
    """Add an address to the member's book (at most MAX_ADDRESSES_PER_MEMBER); the first one
    is the default whatever was asked."""
    fields = _checked_fields(
        recipient_name=recipient_name,
        mobile=mobile,
        province_code=province_code,
        city_code=city_code,
        district_code=district_code,
        street=street,
        postal_code=postal_code,
    )
    _lock_member(member.pk)
    count = Address.objects.filter(member=member).count()
    if count >= MAX_ADDRESSES_PER_MEMBER:
        raise AddressError(
            _("You can keep up to %(limit)d addresses. Delete one to add another.")
            % {"limit": MAX_ADDRESSES_PER_MEMBER}
        )
    has_addresses = count > 0
    make_default = is_default or not has_addresses
    if make_default and has_addresses:
        Address.objects.filter(member=member, is_default=True).update(is_default=False)
    address = Address.objects.create(member=member, is_default=make_default, **fields)
    logger.info("address.created", extra={"member_id": member.pk, "address_id": address.pk})
    return address


@transaction.atomic
def address_update(
    *,
    address: Address,
    recipient_name: str,
    mobile: str,
    province_code: str,
    city_code: str,
    district_code: str,
    street: str,
    postal_code: str = "",
    is_default: bool = False,
) -> Address:
    """Change an address. is_default=True makes it the default; False leaves its default
    status as it was, because the default can only move by choosing another one."""
    fields = _checked_fields(
        recipient_name=recipient_name,
        mobile=mobile,
        province_code=province_code,
        city_code=city_code,
        district_code=district_code,
        street=street,
        postal_code=postal_code,
    )
    _lock_member(address.member_id)
    if is_default and not address.is_default:
        Address.objects.filter(member_id=address.member_id, is_default=True).update(
            is_default=False
        )
        address.is_default = True
    for name, value in fields.items():
        setattr(address, name, value)
    address.save()
    logger.info("address.updated", extra={"address_id": address.pk})
    return address


@transaction.atomic
def address_set_default(*, address: Address) -> Address:
    """Make this the member's default address, and the previous default an ordinary one."""
    _lock_member(address.member_id)
    Address.objects.filter(member_id=address.member_id, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)
    Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    logger.info("address.default_set", extra={"address_id": address.pk})
    return address


@transaction.atomic
def address_delete(*, address: Address) -> Address | None:
    """Delete an address; if it was the default, the most recently added other address
    becomes the default. Returns the new default, if one was promoted."""
    member_id = address.member_id
    _lock_member(member_id)
    was_default = Address.objects.filter(pk=address.pk, is_default=True).exists()
    Address.objects.filter(pk=address.pk).delete()
    logger.info("address.deleted", extra={"member_id": member_id, "address_id": address.pk})
    if not was_default:
        return None
    successor = Address.objects.filter(member_id=member_id).order_by("-created_at", "-id").first()
    if successor is not None:
        successor.is_default = True
        successor.save(update_fields=["is_default", "updated_at"])
    return successor


# --- VIP tiers ------------------------------------------------------------------------------
#
# Tier rule: a member holds the higher of two tiers: the highest tier whose threshold their
# paid spend reaches (spend being what their orders paid over the last MEMBER_TIER_WINDOW_DAYS,
# by payment time, less what was refunded on them) and the tier of any paid membership valid
# now. The tier is recounted after an order is paid, refunded or returned, when a membership
# is granted or revoked, and nightly (payments leaving the window, memberships lapsing); each
# change is a TierEvent.


def tiers_changed() -> None:
    """A tier was added, changed or removed: member prices, "member prices from" on cached
    pages and the tiers each worker keeps are read again once the change is committed."""
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def member_recompute_tier(
    *, member: User, cause: str, order=None, now: datetime | None = None
) -> TierEvent | None:
    """Recount the member's spend and paid memberships and move them to the tier those
    reach (the tier rule above). Writes a TierEvent and returns it only when the tier changes;
    running it again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "tier_id").get(pk=member.pk)
        spend, _oldest = selectors.member_spend(member=locked, now=now)
        tiers = tuple(Tier.objects.order_by("threshold_amount", "pk"))
        target = selectors.higher_tier(
            selectors.tier_for_spend(spend, tiers),
            selectors.member_membership_tier(member=locked, now=now, tiers=tiers),
        )
        target_id = target.pk if target is not None else None
        if target_id == locked.tier_id:
            return None
        User.objects.filter(pk=locked.pk).update(tier=target)
        member_row_forget(locked.pk)  # signed-in pages read the row from the cache
        event = TierEvent.objects.create(
            member=locked,
            from_tier_id=locked.tier_id,
            to_tier=target,
            cause=cause,
            order=order,
            spend_amount=spend,
            created_at=now,
        )
    member.tier_id = target_id
    logger.info(
        "member.tier_changed",
        extra={
            "member_id": member.pk,
            "from_tier_id": event.from_tier_id,
            "to_tier_id": target_id,
            "cause": cause,
        },
    )
    return event


def member_recompute_tier_on_commit(*, member_id: int | None, cause: str, order=None) -> None:
    """Recount a member's tier once the current transaction commits (called by the order,
    payment and return services when money moves). A failure is logged and never undoes
    the payment or refund; the nightly recount catches up."""
    if member_id is None:
        return

    def recount() -> None:
        member = User.objects.filter(pk=member_id).only("pk", "tier_id").first()
        if member is not None:
            member_recompute_tier(member=member, cause=cause, order=order)

    transaction.on_commit(recount, robust=True)


def members_recompute_tiers(*, now: datetime | None = None) -> int:
    """The nightly recount (Celery beat and `manage.py recompute_tiers`): grouped queries
    find every member whose tier no longer matches their spend and paid memberships (a
    payment left the window, a membership lapsed or began), and each of them is recounted on
    their own, under their row lock. Idempotent; returns how many changed."""
    from apps.orders.models import Order

    now = now or timezone.now()
    memberships_catch_up(now=now)
    since = now - timedelta(days=settings.MEMBER_TIER_WINDOW_DAYS)
    counted = Order.objects.filter(member__isnull=False, paid_at__gt=since, paid_at__lte=now)
    spend_by_member = dict(
        counted.values("member")
        .annotate(spend=Sum(F("total_amount") - F("refunded_amount")))
        .values_list("member", "spend")
    )
    tiers = tuple(Tier.objects.order_by("threshold_amount", "pk"))
    tier_by_pk = {tier.pk: tier for tier in tiers}
    granted_by_member: dict[int, Tier | None] = {}
    valid = selectors.memberships_valid_at(now)
    for member_id, tier_id in valid.values_list("member", "tier"):
        granted_by_member[member_id] = selectors.higher_tier(
            granted_by_member.get(member_id), tier_by_pk.get(tier_id)
        )
    # A fall on the day a membership lapsed is put down to the membership, not the night.
    lapsed = set(
        Membership.objects.filter(
            revoked_at__isnull=True,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=settings.SHOP_MEMBERSHIP_REMIND_DAYS),
        ).values_list("member", flat=True)
    )
    candidates = User.objects.filter(
        Q(pk__in=counted.values("member"))
        | Q(tier__isnull=False)
        | Q(pk__in=valid.values("member"))
    ).order_by("pk")
    changed = 0
    for member in candidates.only("pk", "tier_id").iterator(chunk_size=2000):
        target = selectors.higher_tier(
            selectors.tier_for_spend(spend_by_member.get(member.pk) or 0, tiers),
            granted_by_member.get(member.pk),
        )
        if (target.pk if target else None) == member.tier_id:
            continue
        cause = TierEvent.Cause.PAID_MEMBERSHIP if member.pk in lapsed else TierEvent.Cause.NIGHTLY
        if member_recompute_tier(member=member, cause=cause, now=now):
            changed += 1
    logger.info("members.tiers_recomputed", extra={"changed": changed})
    return changed


# --- Paid memberships -----------------------------------------------------------------------
#
# A membership plan is a SKU (apps.catalog) sold through the normal checkout. When an order
# holding it is paid, each unit bought gives the member `duration_days` of the plan's tier:
# a period (Membership) starting now, or, for a renewal, where the member's latest period of
# the plan ends. Refunding the plan's line shortens the period by the units refunded, and
# refunding all of it revokes the period; the tier is recounted either way. An order of
# nothing but memberships has nothing to ship: it is completed as soon as it is paid.


def membership_sync_on_commit(*, order_id: int) -> None:
    """Bring the order's memberships in step with its money once the current transaction
    commits (called by apps.orders when an order's payment status changes). A failure is
    logged and never undoes the payment or refund; the nightly recount catches up."""
    transaction.on_commit(lambda: order_memberships_sync(order_id=order_id), robust=True)


def order_memberships_sync(*, order_id: int, now: datetime | None = None) -> list[Membership]:
    """Create, shorten or revoke the membership periods an order paid for, so they match
    what is paid and not refunded on its plan lines; recount the member's tier if they
    changed. Idempotent: one period per order and plan (locked on the order's row and a
    unique constraint). Returns the periods that changed."""
    from apps.orders.models import Order, OrderLine
    from apps.orders.services import HOLDS_MONEY

    now = now or timezone.now()
    lines = list(
        OrderLine.objects.filter(order_id=order_id, sku__membership_plan__isnull=False)
        .select_related("sku__membership_plan")
        .order_by("pk")
    )
    if not lines:
        return []
    changed: list[Membership] = []
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.member_id is None:
            # A guest has no member centre to hold the tier: staff refund or attach it.
            logger.warning("membership.guest_order", extra={"order_id": order_id})
            return []
        _lock_member(order.member_id)
        paid = order.payment_status in HOLDS_MONEY
        existing = {period.plan_id: period for period in Membership.objects.filter(order=order)}
        granted = False
        for line in lines:
            plan = line.sku.membership_plan
            units = line.quantity - line.refunded_quantity if paid else 0
            period = existing.get(plan.pk)
            if period is None:
                if units <= 0:
                    continue
                period = _membership_start(order=order, plan=plan, units=units, now=now)
                granted = True
            elif period.revoked_at is not None:
                continue
            elif units <= 0:
                period.revoked_at = now
                period.save(update_fields=["revoked_at"])
            else:
                ends_at = period.starts_at + timedelta(days=plan.duration_days * units)
                if ends_at == period.ends_at:
                    continue
                period.ends_at = ends_at
                period.save(update_fields=["ends_at"])
            changed.append(period)
        if changed:
            logger.info(
                "membership.synced",
                extra={"order_id": order_id, "memberships": [period.pk for period in changed]},
            )
            member_recompute_tier(
                member=User(pk=order.member_id),
                cause=TierEvent.Cause.PAID_MEMBERSHIP
                if granted
                else TierEvent.Cause.ORDER_REFUNDED,
                order=order,
                now=now,
            )
        _complete_if_nothing_to_ship(order, lines)
    return changed


def _membership_start(*, order, plan: MembershipPlan, units: int, now: datetime) -> Membership:
    """A new period of the plan: from now, or from where the member's latest period of the
    plan ends if that is later (a renewal)."""
    latest_end = (
        Membership.objects.filter(member_id=order.member_id, plan=plan, revoked_at__isnull=True)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    starts_at = max(now, latest_end) if latest_end else now
    return Membership.objects.create(
        member_id=order.member_id,
        plan=plan,
        tier_id=plan.tier_id,
        order=order,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=plan.duration_days * units),
        created_at=now,
    )


def _complete_if_nothing_to_ship(order, plan_lines: list) -> None:
    """An order of nothing but memberships leaves the warehouse's list once paid. Orders
    placed with no delivery are completed by apps.orders as they are paid; this catches
    those placed for courier or pickup before memberships needed no delivery."""
    from apps.orders.choices import FulfilmentStatus
    from apps.orders.services import HOLDS_MONEY, order_fulfilment_transition

    if order.fulfilment_status != FulfilmentStatus.TO_PICK:
        return
    if order.payment_status not in HOLDS_MONEY:
        return
    if order.lines.count() != len(plan_lines):
        return
    order_fulfilment_transition(
        order=order,
        to_status=FulfilmentStatus.COMPLETED,
        note=_("A membership: nothing to ship."),
    )


def memberships_catch_up(*, now: datetime | None = None) -> int:
    """Paid orders holding a plan that have no period for it yet (the after-commit step
    failed): give them their periods now. Run by the nightly recount; returns how many
    orders were caught up."""
    from apps.orders.models import OrderLine
    from apps.orders.services import HOLDS_MONEY

    missing = (
        OrderLine.objects.filter(
            sku__membership_plan__isnull=False,
            order__member__isnull=False,
            order__payment_status__in=HOLDS_MONEY,
            refunded_quantity__lt=F("quantity"),
        )
        .exclude(
            Exists(
                Membership.objects.filter(
                    order=OuterRef("order"), plan=OuterRef("sku__membership_plan")
                )
            )
        )
        .values_list("order", flat=True)
        .distinct()
    )
    order_ids = list(missing)
    for order_id in order_ids:
        order_memberships_sync(order_id=order_id, now=now)
    return len(order_ids)


def membership_remind_renewal(*, membership_id: int, now: datetime | None = None) -> bool:
    """Email the member that their period ends in a few days, with a link to renew: once per
    period. The row is claimed under a lock (skip_locked: a second runner passes it by),
    the email sent, then reminded_at set before the lock is let go; a worker killed between
    sending and saving sends again with the same Message-ID, which mail programs show once.
    Returns whether an email went out."""
    from apps.members.emails import membership_renewal_email

    now = now or timezone.now()
    with transaction.atomic():
        membership = (
            selectors.memberships_due_for_reminder(now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=membership_id)
            .select_related("member", "tier", "order", "plan__sku__product")
            .first()
        )
        if membership is None:
            return False
        membership_renewal_email(membership=membership).send()
        Membership.objects.filter(pk=membership.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
    logger.info("membership.renewal_reminded", extra={"membership_id": membership_id})
    return True


def memberships_remind_renewal(*, now: datetime | None = None) -> int:
    """Remind every member whose period ends within SHOP_MEMBERSHIP_REMIND_DAYS and who has
    not renewed (Celery beat daily and `manage.py remind_membership_renewals`). Safe to run
    again and concurrently: each period is reminded once. Returns how many were sent."""
    now = now or timezone.now()
    due = list(selectors.memberships_due_for_reminder(now=now).values_list("pk", flat=True))
    sent = sum(1 for pk in due if membership_remind_renewal(membership_id=pk, now=now))
    if sent:
        logger.info("memberships.renewals_reminded", extra={"count": sent})
    return sent
