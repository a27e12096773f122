"""The demo shop's promotions: one running campaign, "双12 年终盛典 / 12.12 Year-end deals"
(not a major festival), with a whole-shop offer spend ¥199 save ¥20 / spend ¥399 save ¥50 and
the coupon WELCOME10 (¥10 off from ¥99, one use per customer, members may claim it). The home
page's year-end banner links to its landing page. Idempotent: what exists is left alone."""

from datetime import timedelta

from django.utils import timezone

from apps.promotions.models import Campaign, Coupon, Offer

CAMPAIGN_SLUG = "year-end-deals"
CAMPAIGN_PATH = f"/campaigns/{CAMPAIGN_SLUG}/"
COUPON_CODE = "WELCOME10"


def load_promotions(*, now=None) -> int:
    """Creates what is missing; returns how many promotions were added."""
    now = now or timezone.now()
    added = 0
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            slug=CAMPAIGN_SLUG,
            name_zh_hans="双12 年终盛典",
            name_en="12.12 Year-end deals",
            description_zh_hans="全场满199减20、满399减50，新客再领10元券。",
            description_en="Spend ¥199 save ¥20, spend ¥399 save ¥50 on everything; new"
            " customers take ¥10 more off with WELCOME10.",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=60),
            is_major_festival=False,
        )
    if not campaign.offers.exists():
        Offer.objects.create(
            campaign=campaign,
            name_zh_hans="满199减20，满399减50",
            name_en="¥20 off ¥199, ¥50 off ¥399",
            kind=Offer.Kind.TIERS,
            tiers=[["199.00", "20.00"], ["399.00", "50.00"]],
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
        )
        added += 1
    if not Coupon.objects.filter(code=COUPON_CODE).exists():
        Coupon.objects.create(
            code=COUPON_CODE,
            name_zh_hans="新客10元券",
            name_en="¥10 welcome coupon",
            campaign=campaign,
            kind=Coupon.Kind.AMOUNT,
            amount="10.00",
            min_spend="99.00",
            per_customer_limit=1,
            claimable=True,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
        )
        added += 1
    _link_year_end_banner()
    return added


def _link_year_end_banner() -> None:
    """Demo shops loaded before the campaign existed: their year-end banner links to it now."""
    from apps.catalog import services
    from apps.catalog.models import Banner

    if Banner.objects.filter(link="/series/appliances/", title_en="12.12 Year-end deals").update(
        link=CAMPAIGN_PATH
    ):
        services.banners_changed()
