"""Demo members: member1@example.com … member3@example.com, password demo-pass-123, each with a
verified email address and an address book; and the shop's four VIP tiers. Idempotent: a
second run creates nothing."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction

from apps.members import regions, services
from apps.members.models import Address, Tier, User

# A published demo login, not a secret.
DEMO_PASSWORD = "demo-pass-123"  # noqa: S105

# email, family name, given name, mobile, addresses (recipient, mobile, district code, street)
MEMBERS = [
    (
        "member1@example.com",
        "张",
        "伟",
        "13800138001",
        [
            ("张伟", "13800138001", "310115", "张江路 88 弄 5 号 1201 室", "201203"),
            ("张伟（公司）", "13800138001", "310101", "南京东路 100 号 18 楼", "200001"),
        ],
    ),
    (
        "member2@example.com",
        "李",
        "娜",
        "13900139002",
        [("李娜", "13900139002", "440305", "科技园南区高新南七道 9 号 3 栋 502", "518057")],
    ),
    (
        "member3@example.com",
        "王",
        "芳",
        "15000150003",
        [
            ("王芳", "15000150003", "110105", "建国路 93 号万达广场 6 号楼 808", ""),
            ("王建国", "13700137003", "330106", "文三路 478 号 2 单元 301", "310013"),
        ],
    ),
]


# threshold (12-month spend), discount %, Chinese and English name, benefits in both
TIERS = [
    (
        "0.00",
        "0.00",
        "普通会员",
        "Member",
        "会员专享活动通知；生日当月问候。",
        "Member-only offers by email; a birthday greeting.",
    ),
    (
        "500.00",
        "2.00",
        "银卡",
        "Silver",
        "全场会员价 98 折；新品优先购买。",
        "2% off list prices; early access to new products.",
    ),
    (
        "2000.00",
        "5.00",
        "金卡",
        "Gold",
        "全场会员价 95 折；新品优先购买；退换货优先处理。",
        "5% off list prices; early access to new products; returns handled first.",
    ),
    (
        "5000.00",
        "8.00",
        "钻石",
        "Diamond",
        "全场会员价 92 折；新品优先购买；专属客服；退换货上门取件。",
        "8% off list prices; early access; a personal service contact; returns collected "
        "from your door.",
    ),
]


def load_tiers() -> int:
    """Create the demo VIP tiers that are missing (matched by threshold)."""
    for order, (threshold, discount, name_zh, name_en, benefits_zh, benefits_en) in enumerate(
        TIERS
    ):
        Tier.objects.get_or_create(
            threshold_amount=Decimal(threshold),
            defaults={
                "discount_percent": Decimal(discount),
                "sort_order": order,
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "benefits_zh_hans": benefits_zh,
                "benefits_en": benefits_en,
            },
        )
    services.tiers_changed()
    return len(TIERS)


@transaction.atomic
def load_members() -> int:
    """Create the demo tiers and members that are missing; returns how many demo members
    there are."""
    load_tiers()
    for email, last_name, first_name, phone, addresses in MEMBERS:
        member = User.objects.filter(email=email).first()
        if member is None:
            member = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                last_name=last_name,
                first_name=first_name,
                phone=phone,
            )
        EmailAddress.objects.get_or_create(
            user=member, email=email, defaults={"verified": True, "primary": True}
        )
        if Address.objects.filter(member=member).exists():
            continue
        for recipient_name, mobile, district_code, street, postal_code in addresses:
            city_code = regions.parent_of(district_code)
            services.address_create(
                member=member,
                recipient_name=recipient_name,
                mobile=mobile,
                province_code=regions.parent_of(city_code),
                city_code=city_code,
                district_code=district_code,
                street=street,
                postal_code=postal_code,
            )
    return len(MEMBERS)
