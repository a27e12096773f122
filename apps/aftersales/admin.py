"""The after-sales queue: returns and exchanges with their age and state, and a page for each
step of inspection. Every button calls a service."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.aftersales import services
from apps.aftersales.models import (
    RETURN_OPEN_STATUSES,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
)
from apps.aftersales.views import photo_response
from apps.orders.forms import ShipForm
from apps.staff.admin_base import ReadOnlyPageMixin, money_display
from apps.staff.selectors import RETURNS_WAITING


class ReturnStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for the shop")),
            ("open", _("Open")),
            ("finished", _("Finished")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(RETURNS_WAITING)
        if self.value() == "open":
            return queryset.filter(status__in=RETURN_OPEN_STATUSES)
        if self.value() == "finished":
            return queryset.exclude(status__in=RETURN_OPEN_STATUSES)
        return queryset


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ["order_line", "quantity", "replacement_sku"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    can_delete = False
    fields = ["preview", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, photo):
        url = reverse("admin:aftersales_returnrequest_photo", args=[photo.request_id, photo.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="160"></a>', url, url, _("Return photo")
        )


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_label", "to_label", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("from"))
    def from_label(self, event):
        return event.from_status_label

    @admin.display(description=gettext_lazy("to"))
    def to_label(self, event):
        return event.to_status_label


class ReturnApproveForm(forms.Form):
    return_address = forms.CharField(
        label=gettext_lazy("Send the goods back to"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recipient, phone and full address, as on a parcel."),
    )
    note = forms.CharField(label=gettext_lazy("Staff note"), max_length=500, required=False)


class ReturnNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Staff note"), max_length=500, required=False)


class ReturnCloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why close it?"), max_length=500)


class ReturnRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason the shopper will read"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: the goods were damaged after delivery."),
    )


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyPageMixin, admin.ModelAdmin):
    """The after-sales queue: returns and exchanges with their age and state, oldest first;
    each step is a button calling the same services as the storefront."""

    list_display = [
        "number",
        "order_number",
        "kind",
        "reason",
        "status",
        "shipping_payer",
        "refund_display",
        "age",
        "created_at",
    ]
    list_filter = [ReturnStateFilter, "status", "kind", "reason", "shipping_payer"]
    list_select_related = ["order"]
    search_fields = ["number", "order__number"]
    list_per_page = 50
    inlines = [ReturnLineInline, ReturnPhotoInline, ReturnEventInline]
    readonly_fields = [
        "number",
        "order",
        "kind",
        "reason",
        "status",
        "description",
        "shipping_payer",
        "shipping_terms",
        "return_address",
        "rejection_reason",
        "refund_display",
        "carrier",
        "tracking_number",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    refund_display = money_display(ReturnRequest, "refund_amount")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_number(self, return_request):
        return return_request.order.number

    @admin.display(description=gettext_lazy("age"), ordering="created_at")
    def age(self, return_request):
        return timesince(return_request.created_at, depth=1)

    @admin.display(description=gettext_lazy("shipping terms"))
    def shipping_terms(self, return_request):
        return return_request.shipping_terms

    def get_urls(self):
        wrap = self.admin_site.admin_view
        steps = [
            ("approve", self.approve_view),
            ("receive", self.receive_view),
            ("refund", self.refund_view),
            ("ship", self.ship_view),
            ("reject", self.reject_view),
            ("close", self.close_view),
        ]
        return [
            *(
                path(
                    f"<int:request_id>/{step}/",
                    wrap(view),
                    name=f"aftersales_returnrequest_{step}",
                )
                for step, view in steps
            ),
            path(
                "<int:request_id>/photos/<int:photo_id>/",
                wrap(self.photo_view),
                name="aftersales_returnrequest_photo",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return_request = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if return_request is not None:
            extra_context["return_tools"] = self._tools(request, return_request)
        return super().change_view(request, object_id, form_url, extra_context)

    def _tools(self, request, return_request: ReturnRequest) -> list[tuple[str, str]]:
        """The steps this request can take next, as far as this staff member may take them."""
        if not request.user.has_perm("aftersales.change_returnrequest"):
            return []
        allowed = services.return_next_steps(return_request)
        labels = [
            (ReturnStatus.APPROVED, "approve", _("Approve (give the return address)")),
            (ReturnStatus.RECEIVED, "receive", _("Goods received")),
            (ReturnStatus.REFUNDED, "refund", _("Inspected intact: refund")),
            (ReturnStatus.EXCHANGE_SHIPPED, "ship", _("Inspected intact: ship the replacement")),
            (ReturnStatus.REJECTED, "reject", _("Reject with a reason")),
            (ReturnStatus.CLOSED, "close", _("Close")),
        ]
        tools = []
        for to_status, step, label in labels:
            if to_status not in allowed:
                continue
            if step == "refund" and not request.user.has_perm("orders.refund_order"):
                continue
            url = reverse(f"admin:aftersales_returnrequest_{step}", args=[return_request.pk])
            tools.append((url, label))
        return tools

    def _require(self, request, *permissions: str) -> None:
        if not all(request.user.has_perm(permission) for permission in permissions):
            raise PermissionDenied

    def _step(
        self,
        request,
        request_id: int,
        *,
        title: str,
        form_class,
        action,
        done: str,
        permissions=("aftersales.change_returnrequest",),
        **context,
    ):
        """An intermediate page for one step: a form, then the service, then back to the
        request with a message; a refusal shows on the form and changes nothing."""
        self._require(request, *permissions)
        return_request = get_object_or_404(
            ReturnRequest.objects.select_related("order"), pk=request_id
        )
        # A step may have nothing to fill in: an empty POST is still a submitted form.
        data = request.POST if request.method == "POST" else None
        form = form_class(data, **context.pop("form_kwargs", {}))
        if request.method == "POST" and form.is_valid():
            try:
                action(return_request, form.cleaned_data)
            except (services.OrderError, services.OutOfStock) as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, done % {"number": return_request.number})
                return redirect("admin:aftersales_returnrequest_change", return_request.pk)
        return TemplateResponse(
            request,
            "admin/aftersales/return_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "return_request": return_request,
                "lines": list(return_request.lines.select_related("order_line", "replacement_sku")),
                "form": form,
                **context,
            },
        )

    def approve_view(self, request, request_id):
        latest = (
            ReturnRequest.objects.exclude(return_address="")
            .order_by("-updated_at")
            .values_list("return_address", flat=True)
            .first()
        )
        return self._step(
            request,
            request_id,
            title=_("Approve the request"),
            form_class=ReturnApproveForm,
            form_kwargs={"initial": {"return_address": latest or ""}},
            action=lambda return_request, data: services.return_approve(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s approved; the shopper was emailed the return address."),
        )

    def receive_view(self, request, request_id):
        return self._step(
            request,
            request_id,
            title=_("Goods received"),
            form_class=ReturnNoteForm,
            action=lambda return_request, data: services.return_mark_received(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s: goods marked received."),
        )

    def refund_view(self, request, request_id):
        return_request = get_object_or_404(ReturnRequest, pk=request_id)
        try:
            quote = services.return_refund_quote(return_request=return_request)
        except (services.OrderError, services.OutOfStock) as error:
            quote, problem = None, str(error)
        else:
            problem = ""
        return self._step(
            request,
            request_id,
            title=_("Inspected intact: refund"),
            form_class=ReturnNoteForm,
            permissions=("aftersales.change_returnrequest", "orders.refund_order"),
            action=lambda return_request, data: services.return_refund(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s refunded; the shopper was emailed."),
            refund_quote=quote,
            refund_problem=problem,
        )

    def ship_view(self, request, request_id):
        return self._step(
            request,
            request_id,
            title=_("Inspected intact: ship the replacement"),
            form_class=ShipForm,
            action=lambda return_request, data: services.return_ship_exchange(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s: replacement shipped; the shopper was emailed."),
        )

    def reject_view(self, request, request_id):
        return self._step(
            request,
            request_id,
            title=_("Reject the request"),
            form_class=ReturnRejectForm,
            action=lambda return_request, data: services.return_reject(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s rejected; the shopper was emailed the reason."),
        )

    def close_view(self, request, request_id):
        return self._step(
            request,
            request_id,
            title=_("Close the request"),
            form_class=ReturnCloseForm,
            action=lambda return_request, data: services.return_close(
                return_request=return_request, actor=request.user, **data
            ),
            done=_("Request %(number)s closed."),
        )

    def photo_view(self, request, request_id, photo_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(ReturnPhoto, pk=photo_id, request_id=request_id)
        return photo_response(photo)
