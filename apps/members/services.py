"""Every write to a member's profile and address book.

Address book rule: a member with any address has exactly one default address. The first
address becomes the default, choosing another default un-marks the old one, and deleting the
default promotes the most recently added of the others. Each write locks the member's row,
so two requests for the same member never race past the one-default constraint.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.members import regions
from apps.members.models import Address, User
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
