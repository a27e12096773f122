"""Shopper pages of apps.promotions: a campaign's landing page (cached like catalog pages;
staff may preview it before it starts), the coupons a product page offers to claim, claiming
one, and the member centre's "My coupons"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.cart import services as cart_services
from apps.catalog.models import Product
from apps.core import pagecache
from apps.core.pagecache import cache_anonymous_page
from apps.core.redirects import redirect_back, redirect_to_log_in
from apps.members.pricing import cards_with_member_prices, price_variant
from apps.promotions import selectors, services


def _campaign_seen(request, slug):
    """Members see their tier's prices; staff may see a campaign before it starts."""
    return price_variant(request.user), bool(request.user.is_staff)


@cache_anonymous_page("catalog", vary=_campaign_seen)
def campaign(request, slug):
    now = timezone.now()
    found = selectors.campaign_for_visitor(slug=slug, user=request.user, now=now)
    if found is None:
        raise Http404(_("No such campaign."))
    page = selectors.campaign_page(campaign=found, now=now)
    pagecache.valid_until(
        request, selectors.campaign_changes_at(campaign=found, page=page, now=now)
    )
    context = {
        "page": page,
        "campaign": found,
        "cards": cards_with_member_prices(page.cards, member=request.user),
    }
    return render(request, "promotions/campaign.jinja", context)


@require_GET
def product_coupons(request, product_id: int):
    """The coupons a product page offers to claim: a small fragment the page loads (htmx),
    personal (whether the member claimed each), so never part of the cached page."""
    product = Product.objects.filter(pk=product_id, is_published=True).first()
    if product is None:
        raise Http404(_("No such product."))
    coupons = selectors.coupons_claimable_for_product(product=product)
    claimed = selectors.claimed_coupon_ids(
        member=request.user, coupon_ids=[coupon.pk for coupon in coupons]
    )
    return render(
        request,
        "promotions/partials/claim_coupons.jinja",
        {"coupons": coupons, "claimed": claimed, "next": product.get_absolute_url()},
    )


@require_POST
def coupon_claim(request):
    next_url = request.POST.get("next", "")
    if not request.user.is_authenticated:
        return redirect_to_log_in(
            request, _("Log in to claim coupons."), next_url, "promotions:my_coupons"
        )
    try:
        claim = services.coupon_claim(member=request.user, coupon_id=_posted_id(request))
    except services.PromotionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The coupon %(code)s is in My coupons: enter its code at checkout.")
            % {"code": claim.coupon.code},
        )
    return redirect_back(request, next_url, "promotions:my_coupons")


def _posted_id(request) -> int:
    try:
        return int(request.POST.get("coupon", ""))
    except ValueError:
        return 0


@login_required
def my_coupons(request):
    coupons = selectors.my_coupons(member=request.user)
    return render(request, "promotions/my_coupons.jinja", {"coupons": coupons})


@require_POST
def group_buy_join(request, group_buy_id):
    """ "Join the group buy at ¥x" on a product page: the cart checks out for the group buy."""
    cart = cart_services.cart_for_request(request, create=True)
    try:
        services.group_buy_cart_join(cart=cart, group_buy_id=group_buy_id)
    except services.PromotionError as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    cart_services.cart_remember_count(request, cart)
    messages.success(request, _("You are joining the group buy: check out to pay the deal price."))
    return redirect("cart:detail")
