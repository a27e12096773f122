from datetime import timedelta
from unittest import mock

import factory
from django.core import signing
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.referrals import links
from apps.referrals.models import Referral, ReferralVisit, ShareCode
from tests.members.factories import UserFactory


class ShareCodeFactory(DjangoModelFactory):
    class Meta:
        model = ShareCode

    member = factory.SubFactory(UserFactory)


class ReferralVisitFactory(DjangoModelFactory):
    class Meta:
        model = ReferralVisit

    sharer = factory.SubFactory(UserFactory)
    path = "/product/rice-cooker/"


class ReferralFactory(DjangoModelFactory):
    """A friend's sign-up through a link (for pages; rewards come from the services)."""

    class Meta:
        model = Referral

    sharer = factory.SubFactory(UserFactory)
    kind = Referral.Kind.SIGNUP
    friend = factory.SubFactory(UserFactory)
    clicked_at = factory.LazyFunction(timezone.now)


def referral_cookie(code: str, visit_id: int = 0, *, days_ago: float = 0) -> str:
    """The signed cookie value a visit through `code`'s link `days_ago` left behind (signed
    at that moment, as the middleware would have)."""
    opened = timezone.now() - timedelta(days=days_ago)
    value = f"{code}:{visit_id}:{int(opened.timestamp())}"
    with mock.patch("django.core.signing.time.time", return_value=opened.timestamp()):
        return signing.get_cookie_signer(salt=links.COOKIE_NAME + links.COOKIE_SALT).sign(value)
