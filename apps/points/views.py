from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.points import selectors

PAGE_SIZE = 20


@login_required
@require_GET
def points_page(request):
    """The member's balance, what expires next, and their ledger, newest first."""
    member = request.user
    page = Paginator(selectors.points_ledger(member=member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "balance": selectors.points_balance(member=member),
        "next_expiry": selectors.points_next_expiry(member=member),
        "page": page,
        "points_per_yuan": settings.SHOP_POINTS_PER_YUAN_REDEEMED,
        "expiry_days": settings.SHOP_POINTS_EXPIRY_DAYS,
    }
    return render(request, "points/points.jinja", context)
