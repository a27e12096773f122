"""The heart on product pages and cards, and the member centre's favourites page.

Hearts post (with the CSRF token) to add or remove; without JavaScript the shopper comes
back to the page they were on with a message, with htmx the heart swaps itself for its new
state. A guest's heart is kept in their session while they log in: the login page sends them
to `resume`, which saves it and returns them to the product."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from apps.catalog.selectors import product_cards, published_products
from apps.core.redirects import redirect_back
from apps.favourites import selectors, services

PENDING = "favourite_pending"
PAGE_SIZE = 24


def _posted_product_id(request) -> int:
    try:
        return int(request.POST.get("product", ""))
    except ValueError:
        raise Http404(_("No such product.")) from None


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _log_in_first(request, product_id: int):
    """Keeps the product in the guest's session and sends them to log in; the login page
    returns them to `resume`, which saves it."""
    request.session[PENDING] = {
        "product": product_id,
        "next": _safe_next(request, request.POST.get("next", "")),
    }
    login = f"{reverse('account_login')}?{urlencode({'next': reverse('favourites:resume')})}"
    messages.info(request, _("Log in to keep your favourites; the product is saved after."))
    if request.htmx:
        return HttpResponseClientRedirect(login)
    return redirect(login)


def _answer(request, product_id: int, *, is_favourite: bool, message: str):
    """htmx gets the heart in its new state; a plain form goes back where it came from."""
    if request.htmx:
        context = {
            "product_id": product_id,
            "is_favourite": is_favourite,
            "next": _safe_next(request, request.POST.get("next", "")),
        }
        return render(request, "favourites/partials/heart_form.jinja", context)
    messages.success(request, message)
    return redirect_back(request, request.POST.get("next", ""), "favourites:list")


def _refused(request, error: services.FavouriteError):
    messages.error(request, str(error))
    if request.htmx:
        return HttpResponseClientRedirect(request.POST.get("next") or reverse("favourites:list"))
    return redirect_back(request, request.POST.get("next", ""), "favourites:list")


@require_POST
def favourite_add(request):
    product_id = _posted_product_id(request)
    if not request.user.is_authenticated:
        return _log_in_first(request, product_id)
    try:
        services.favourite_add(member=request.user, product_id=product_id)
    except services.FavouriteError as error:
        return _refused(request, error)
    return _answer(request, product_id, is_favourite=True, message=_("Saved in your favourites."))


@require_POST
def favourite_remove(request):
    product_id = _posted_product_id(request)
    if not request.user.is_authenticated:
        return _log_in_first(request, product_id)
    services.favourite_remove(member=request.user, product_id=product_id)
    return _answer(
        request, product_id, is_favourite=False, message=_("Removed from your favourites.")
    )


@require_POST
def favourite_toggle(request):
    product_id = _posted_product_id(request)
    if not request.user.is_authenticated:
        return _log_in_first(request, product_id)
    try:
        now_favourite = services.favourite_toggle(member=request.user, product_id=product_id)
    except services.FavouriteError as error:
        return _refused(request, error)
    message = (
        _("Saved in your favourites.") if now_favourite else _("Removed from your favourites.")
    )
    return _answer(request, product_id, is_favourite=now_favourite, message=message)


@require_GET
def favourite_confirm(request):
    """Where a product card's heart leads (`?product=`): cards are shared by every shopper
    and carry no form token, so this page holds the heart that posts, and it goes back to the
    page the card was on."""
    product_id = request.GET.get("product", "")
    cards = (
        product_cards(published_products().filter(pk=product_id)) if product_id.isdigit() else []
    )
    if not cards:
        raise Http404(_("No such product."))
    card = cards[0]
    is_favourite = request.user.is_authenticated and request.user.favourites.holds(card.id)
    back = _safe_next(request, request.GET.get("next", "")) or _safe_next(
        request, request.headers.get("Referer", "")
    )
    context = {
        "card": card,
        "product_id": card.id,
        "is_favourite": is_favourite,
        "next": back or card.url,
    }
    return render(request, "favourites/confirm.jinja", context)


@login_required
@require_GET
def favourite_resume(request):
    """After logging in: saves the product a guest's heart asked for, then back to the page
    the heart was on (only a page of this shop), else to the product itself. The product
    was chosen by the guest's own (CSRF-checked) post and waits in their session, so this
    GET only finishes what that post asked for."""
    pending = request.session.pop(PENDING, None)
    if not isinstance(pending, dict):
        return redirect("favourites:list")
    try:
        favourite = services.favourite_add(
            member=request.user, product_id=int(pending.get("product", 0))
        )
    except (services.FavouriteError, TypeError, ValueError):
        messages.error(request, _("This product is no longer on sale."))
        return redirect_back(request, pending.get("next", ""), "favourites:list")
    messages.success(request, _("Saved in your favourites."))
    return redirect_back(request, pending.get("next", ""), favourite.product.get_absolute_url())


@login_required
@require_GET
def favourite_list(request):
    paginator = Paginator(selectors.favourites_of(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "cards": selectors.favourite_cards(page.object_list)}
    return render(request, "favourites/favourite_list.jinja", context)
