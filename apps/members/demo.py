"""Demo members: member1@example.com … member3@example.com, password demo-pass-123, each with a
verified email address and an address book; the shop's four VIP tiers; and the annual
membership (年度会员, ¥168 a year for Gold), sold as a product of its own series. Idempotent:
a second run creates nothing."""

from decimal import Decimal
from io import BytesIO

from allauth.account.models import EmailAddress
from django.db import transaction
from PIL import Image, ImageDraw

from apps.catalog import services as catalog_services
from apps.catalog.models import Category, Product, Series, Sku
from apps.members import regions, services
from apps.members.models import Address, MembershipPlan, Tier, User

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


# The annual membership: its own series and category, so no appliance listing shows it.
MEMBERSHIP_SERIES = (
    "membership",
    "会员",
    "Membership",
    "会员专享价，一年有效",
    "Member prices for a year",
)
MEMBERSHIP_CATEGORY = ("membership-cards", "会员卡", "Membership cards")
MEMBERSHIP_PRODUCT_SLUG = "annual-membership"
MEMBERSHIP_SKU_CODE = "VIP-GOLD-1Y"
MEMBERSHIP_PRICE = Decimal("168.00")
# Far more than will ever sell: stock is how the catalog counts what may be bought.
MEMBERSHIP_STOCK = 1_000_000


def draw_membership_card() -> bytes:
    """A gold member card on the studio background, as a 600-pixel square JPEG."""
    size = 600
    image = Image.new("RGB", (size, size), (248, 246, 242))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((78, 170, 522, 440), radius=28, fill=(196, 160, 82))
    draw.rounded_rectangle((78, 170, 522, 250), radius=28, fill=(214, 182, 108))
    draw.rectangle((78, 220, 522, 250), fill=(214, 182, 108))
    draw.rounded_rectangle((118, 290, 190, 340), radius=8, fill=(236, 214, 150))
    for row, width in enumerate((260, 180)):
        draw.rounded_rectangle(
            (118, 370 + row * 30, 118 + width, 384 + row * 30), radius=7, fill=(230, 204, 140)
        )
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@transaction.atomic
def load_membership_plan(*, with_images: bool = True) -> MembershipPlan | None:
    """Create the annual membership product and its plan (granting the second-highest tier,
    Gold in the demo) if missing; an existing product or plan is left as an operator left it.
    Returns the plan (None without at least two tiers)."""
    tiers = list(Tier.objects.order_by("-threshold_amount"))
    if len(tiers) < 2:
        return None
    slug, zh, en, tagline_zh, tagline_en = MEMBERSHIP_SERIES
    series, _ = Series.objects.get_or_create(
        slug=slug,
        defaults={
            "name_zh_hans": zh,
            "name_en": en,
            "tagline_zh_hans": tagline_zh,
            "tagline_en": tagline_en,
            "sort_order": 99,
        },
    )
    category_slug, category_zh, category_en = MEMBERSHIP_CATEGORY
    category, _ = Category.objects.get_or_create(
        slug=category_slug,
        defaults={
            "series": series,
            "name_zh_hans": category_zh,
            "name_en": category_en,
            "sort_order": 99,
        },
    )
    tier = tiers[1]
    product, created = Product.objects.get_or_create(
        slug=MEMBERSHIP_PRODUCT_SLUG,
        defaults={
            "series": series,
            "category": category,
            "is_published": True,
            # Nothing is shipped: no address, no shipping fee, never on the pick list.
            "requires_delivery": False,
            "name_zh_hans": "年度会员",
            "name_en": "Annual membership",
            "subtitle_zh_hans": f"一年{tier.name_zh_hans}会员，全场会员价",
            "subtitle_en": f"{tier.name_en} for a year: member prices on everything",
            "description_zh_hans": (
                f"付款后立即成为{tier.name_zh_hans}会员，有效期 365 天。到期前 7 天邮件提醒续费，"
                "续费从当前有效期结束时顺延。\n\n虚拟商品，无需发货。"
            ),
            "description_en": (
                f"You hold {tier.name_en} as soon as you pay, for 365 days. We email you 7 days "
                "before it ends; a renewal starts when the current year ends.\n\n"
                "Nothing is shipped."
            ),
            "keywords_zh_hans": "会员 年卡 VIP",
            "keywords_en": "membership annual VIP",
        },
    )
    sku, sku_created = Sku.objects.get_or_create(
        code=MEMBERSHIP_SKU_CODE,
        defaults={
            "product": product,
            "options_zh_hans": "12 个月",
            "options_en": "12 months",
            "price": MEMBERSHIP_PRICE,
            "stock": MEMBERSHIP_STOCK,
        },
    )
    if with_images and not product.images.exists():
        created = True
        catalog_services.product_image_create(
            product=product, data=draw_membership_card(), alt=product.name_zh_hans
        )
    if created or sku_created:
        catalog_services.product_refresh_summary(product=product)
    plan, _ = MembershipPlan.objects.get_or_create(
        sku=sku, defaults={"tier": tier, "duration_days": 365}
    )
    return plan
