from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.aftersales import selectors, services
from apps.aftersales.forms import ReturnRequestForm
from apps.orders.views import viewable_order


def photo_response(photo) -> FileResponse:
    """A stored return photo as an inline JPEG (it was re-encoded when uploaded), never
    sniffed as anything else and kept out of shared caches."""
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def return_request_new(request, number):
    """Ask to return or exchange items of a delivered order (its member, or the guest session
    that placed it)."""
    order = viewable_order(request, number, after_sales=True)
    refusal = selectors.order_return_refusal(order=order)
    if refusal:
        messages.error(request, refusal)
        return redirect(order.get_absolute_url())
    returnable = selectors.order_returnable_lines(order=order)
    form = ReturnRequestForm(request.POST or None, request.FILES or None, returnable=returnable)
    if request.method == "POST" and form.is_valid():
        try:
            return_request = services.return_request_create(
                order=order,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
                lines=form.quantities(),
                replacements=form.replacements(),
                photos=form.cleaned_data["photos"],
                actor=request.user,
            )
        except services.ReturnPhotoError as error:
            form.add_error("photos", str(error))
        except (services.OrderError, services.OutOfStock) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Request %(number)s sent. We emailed you a copy.")
                % {"number": return_request.number},
            )
            return redirect(return_request.get_absolute_url())
    # A refused request (a bad photo, say) shows the form again with a 400, not a 200.
    status = 400 if request.method == "POST" else 200
    return render(
        request, "aftersales/return_form.jinja", {"order": order, "form": form}, status=status
    )


def _viewable_return(request, number, return_number):
    order = viewable_order(request, number, after_sales=True)
    return_request = selectors.return_request_for_order(order=order, number=return_number)
    if return_request is None:
        raise Http404(_("No such request."))
    return return_request


def return_request_detail(request, number, return_number):
    return_request = _viewable_return(request, number, return_number)
    return render(request, "aftersales/return_detail.jinja", {"return_request": return_request})


@require_POST
def return_request_withdraw(request, number, return_number):
    return_request = _viewable_return(request, number, return_number)
    try:
        services.return_withdraw(return_request=return_request, actor=request.user)
    except (services.OrderError, services.OutOfStock) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect(return_request.get_absolute_url())


def return_photo(request, number, return_number, photo_id):
    """A return photo, only for whoever may see the request; always served as a JPEG."""
    return_request = _viewable_return(request, number, return_number)
    photo = next((p for p in return_request.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404(_("No such photo."))
    return photo_response(photo)
