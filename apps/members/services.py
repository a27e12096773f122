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
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import pagecache
from apps.members import regions, selectors
from apps.members.models import Address, Tier, TierEvent, User
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
# Tier rule: a member holds the highest tier whose threshold their paid spend reaches, spend
# being what their orders paid over the last MEMBER_TIER_WINDOW_DAYS (by payment time) less
# what was refunded on them. The tier is recounted after an order is paid, refunded or
# returned, and nightly (payments leaving the window); each change is a TierEvent.


def tiers_changed() -> None:
    """A tier was added, changed or removed: member prices, "member prices from" on cached
    pages and the tiers each worker keeps are read again once the change is committed."""
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def member_recompute_tier(
    *, member: User, cause: str, order=None, now: datetime | None = None
) -> TierEvent | None:
    """Recount the member's spend and move them to the tier it reaches. Writes a TierEvent
    and returns it only when the tier changes; running it again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "tier_id").get(pk=member.pk)
        spend, _oldest = selectors.member_spend(member=locked, now=now)
        tiers = tuple(Tier.objects.order_by("threshold_amount", "pk"))
        target = selectors.tier_for_spend(spend, tiers)
        target_id = target.pk if target is not None else None
        if target_id == locked.tier_id:
            return None
        User.objects.filter(pk=locked.pk).update(tier=target)
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
    """The nightly recount (Celery beat and `manage.py recompute_tiers`): one grouped query
    finds every member whose tier no longer matches their spend, and each of them is
    recounted on their own, under their row lock. Idempotent; returns how many changed."""
    from apps.orders.models import Order

    now = now or timezone.now()
    since = now - timedelta(days=settings.MEMBER_TIER_WINDOW_DAYS)
    counted = Order.objects.filter(member__isnull=False, paid_at__gt=since, paid_at__lte=now)
    spend_by_member = dict(
        counted.values("member")
        .annotate(spend=Sum(F("total_amount") - F("refunded_amount")))
        .values_list("member", "spend")
    )
    tiers = tuple(Tier.objects.order_by("threshold_amount", "pk"))
    candidates = User.objects.filter(
        Q(pk__in=counted.values("member")) | Q(tier__isnull=False)
    ).order_by("pk")
    changed = 0
    for member in candidates.only("pk", "tier_id").iterator(chunk_size=2000):
        target = selectors.tier_for_spend(spend_by_member.get(member.pk) or 0, tiers)
        if (target.pk if target else None) == member.tier_id:
            continue
        if member_recompute_tier(member=member, cause=TierEvent.Cause.NIGHTLY, now=now):
            changed += 1
    logger.info("members.tiers_recomputed", extra={"changed": changed})
    return changed
