from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.core import pagecache
from apps.members.models import Address, Membership, MembershipPlan, Tier, User
from tests.catalog.factories import SkuFactory

PASSWORD = "a-long-test-password-42"


class UserFactory(DjangoModelFactory):
    """A member who can log in: password PASSWORD and a verified primary email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    first_name = factory.Faker("first_name", locale="zh_CN")
    last_name = factory.Faker("last_name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class AddressFactory(DjangoModelFactory):
    """An address in 广东省深圳市南山区 (440000 → 440300 → 440305)."""

    class Meta:
        model = Address

    member = factory.SubFactory(UserFactory)
    recipient_name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    province_code = "440000"
    province_name = "广东省"
    city_code = "440300"
    city_name = "深圳市"
    district_code = "440305"
    district_name = "南山区"
    street = factory.Sequence(lambda n: f"科技园路 {n} 号")
    postal_code = "518057"
    is_default = False


class AccessAttemptFactory(DjangoModelFactory):
    """Failed logins counted by the lockout (django-axes): by default enough for one account
    from one address to be locked out."""

    class Meta:
        model = AccessAttempt

    username = factory.Sequence(lambda n: f"member{n}@example.com")
    ip_address = "203.0.113.9"
    user_agent = "Mozilla/5.0"
    http_accept = "text/html"
    path_info = "/accounts/login/"
    get_data = ""
    post_data = ""
    failures_since_start = factory.LazyFunction(
        lambda: settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP
    )
    attempt_time = factory.LazyFunction(timezone.now)


class TierFactory(DjangoModelFactory):
    """A VIP tier; created tiers reach pages at once (services.tiers_changed)."""

    class Meta:
        model = Tier
        django_get_or_create = ("threshold_amount",)
        skip_postgeneration_save = True

    name_zh_hans = factory.Sequence(lambda n: f"等级{n}")
    name_en = factory.Sequence(lambda n: f"Tier {n}")
    threshold_amount = Decimal("0.00")
    discount_percent = Decimal("0.00")

    @factory.post_generation
    def kept_tiers_forgotten(self, create, extracted, **kwargs):
        if create:
            pagecache.bump_version("catalog")


def demo_tiers() -> dict[str, Tier]:
    """The demo shop's four tiers, by English name."""
    tiers = [
        TierFactory(name_zh_hans="普通会员", name_en="Member"),
        TierFactory(
            name_zh_hans="银卡",
            name_en="Silver",
            threshold_amount=Decimal("500.00"),
            discount_percent=Decimal("2.00"),
        ),
        TierFactory(
            name_zh_hans="金卡",
            name_en="Gold",
            threshold_amount=Decimal("2000.00"),
            discount_percent=Decimal("5.00"),
        ),
        TierFactory(
            name_zh_hans="钻石",
            name_en="Diamond",
            threshold_amount=Decimal("5000.00"),
            discount_percent=Decimal("8.00"),
        ),
    ]
    return {tier.name_en: tier for tier in tiers}


class MembershipPlanFactory(DjangoModelFactory):
    """A plan sold as a ¥168 SKU with plenty of stock, granting a Gold-like tier for a year;
    its product is never shipped."""

    class Meta:
        model = MembershipPlan

    sku = factory.SubFactory(
        SkuFactory,
        price=Decimal("168.00"),
        stock=10000,
        product__requires_delivery=False,
    )
    tier = factory.SubFactory(
        TierFactory, threshold_amount=Decimal("2000.00"), discount_percent=Decimal("5.00")
    )
    duration_days = 365


class MembershipFactory(DjangoModelFactory):
    """A paid period running from now for the plan's duration (its order is a bare row)."""

    class Meta:
        model = Membership

    member = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(MembershipPlanFactory)
    tier = factory.LazyAttribute(lambda membership: membership.plan.tier)
    order = factory.SubFactory(
        "tests.orders.factories.OrderFactory",
        member=factory.SelfAttribute("..member"),
        payment_status="paid",
        fulfilment_status="completed",
    )
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(
        lambda membership: membership.starts_at + timedelta(days=membership.plan.duration_days)
    )
