"""Reads of a member's own data; every query here is filtered by the member."""

from django.db.models import QuerySet

from apps.members.models import Address, User


def addresses_for_member(*, member: User) -> QuerySet[Address]:
    """The member's address book, default first, then newest."""
    return Address.objects.filter(member=member)


def address_for_member(*, member: User, address_id: int) -> Address | None:
    """One of the member's own addresses; None for an unknown id and for anyone else's
    address alike, so ids reveal nothing."""
    return addresses_for_member(member=member).filter(pk=address_id).first()
