"""The share link for a product, and the member centre's "My shares" page."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.catalog.selectors import product_cards, published_products
from apps.core.emails import absolute_url
from apps.referrals import selectors, services

PAGE_SIZE = 20


def share_link(*, path: str, code: str) -> str:
    return absolute_url(f"{path}?{urlencode({'ref': code})}")


@login_required
@require_GET
def share_product(request):
    """The member's own link to a product (?product=ID), to copy: the product page links here
    (the same link for everyone, so it stays cacheable)."""
    product_id = request.GET.get("product", "")
    cards = (
        product_cards(published_products().filter(pk=product_id)) if product_id.isdigit() else []
    )
    if not cards:
        raise Http404(_("No such product."))
    card = cards[0]
    code = services.share_code_for(member=request.user)
    context = {
        "card": card,
        "link": share_link(path=card.url, code=code),
        "days": settings.SHOP_REFERRAL_DAYS,
        "signup_points": settings.SHOP_REFERRAL_SIGNUP_POINTS,
        "order_points": settings.SHOP_REFERRAL_ORDER_POINTS,
    }
    return render(request, "referrals/share.jinja", context)


@login_required
@require_GET
def my_shares(request):
    member = request.user
    code = services.share_code_for(member=member)
    page = Paginator(selectors.referrals_of(member=member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "code": code,
        "summary": selectors.share_summary(member=member),
        "pages": selectors.shared_pages(member=member),
        "page": page,
        "days": settings.SHOP_REFERRAL_DAYS,
        "signup_points": settings.SHOP_REFERRAL_SIGNUP_POINTS,
        "order_points": settings.SHOP_REFERRAL_ORDER_POINTS,
        "home_link": share_link(path="/", code=code),
    }
    return render(request, "referrals/my_shares.jinja", context)
