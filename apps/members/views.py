from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.members import regions, selectors, services
from apps.members.forms import REFRESH_BUTTON_NAME, AddressForm, ProfileForm
from apps.orders.selectors import orders_for_member


@login_required
def dashboard(request):
    recent_orders = list(orders_for_member(member=request.user).order_by("-created_at", "-id")[:3])
    context = {
        "recent_orders": recent_orders,
        "tier_progress": selectors.member_tier_progress(member=request.user),
        "membership": selectors.member_membership_status(member=request.user),
    }
    return render(request, "members/dashboard.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.member_profile_update(member=member, **form.cleaned_data)
            except services.MemberError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("members:profile")
    else:
        form = ProfileForm(
            initial={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "phone": member.phone,
            }
        )
    return render(request, "members/profile.jinja", {"form": form})


@login_required
def address_list(request):
    addresses = selectors.addresses_for_member(member=request.user)
    return render(request, "members/address_list.jinja", {"addresses": addresses})


def _own_address(request, address_id: int):
    address = selectors.address_for_member(member=request.user, address_id=address_id)
    if address is None:
        raise Http404(_("No such address."))
    return address


def _address_form_page(request, *, address=None):
    """Create or edit: "Update choices" re-renders the region lists without saving."""
    if request.method == "POST" and REFRESH_BUTTON_NAME in request.POST:
        form = AddressForm.for_refresh(request.POST)
    elif request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            try:
                if address is None:
                    services.address_create(member=request.user, **form.address_fields())
                else:
                    services.address_update(address=address, **form.address_fields())
            except services.AddressError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The address is saved."))
                return redirect("members:address_list")
    elif address is not None:
        form = AddressForm(initial=AddressForm.initial_for(address))
    else:
        form = AddressForm()
    return render(request, "members/address_form.jinja", {"form": form, "address": address})


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request):
    return _address_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def address_update(request, address_id: int):
    return _address_form_page(request, address=_own_address(request, address_id))


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request, address_id: int):
    address = _own_address(request, address_id)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, _("The address is deleted."))
        return redirect("members:address_list")
    return render(request, "members/address_confirm_delete.jinja", {"address": address})


@login_required
@require_POST
def address_set_default(request, address_id: int):
    address = _own_address(request, address_id)
    services.address_set_default(address=address)
    messages.success(request, _("That is now your default address."))
    return redirect("members:address_list")


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def region_children(request):
    """JSON for the region cascade: the cities of ?parent=<province code>, the districts of
    ?parent=<city code>, the provinces without a parent; 404 for an unknown code. Each has its
    Chinese `name` and the `label` to show (with pinyin on English pages)."""
    children = regions.children_of(request.GET.get("parent", "").strip()[:12])
    if children is None:
        return JsonResponse({"error": _("No such province or city.")}, status=404)
    return JsonResponse(
        [{"code": code, "name": name, "label": regions.label(name)} for code, name in children],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
