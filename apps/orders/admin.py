"""The operators' order desk: filters, review of customer notes, address corrections, pick
lists, packing slips, shipping, cancelling and refunds. Every button calls a service."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin

from apps.members.validators import normalise_mobile
from apps.orders import selectors, services
from apps.orders.forms import ShipForm
from apps.orders.models import Order, OrderEvent, OrderLine, PickupPoint
from apps.payments import services as payment_services
from apps.staff.admin_base import ReadOnlyPageMixin, money_display
from apps.staff.selectors import ORDERS_TO_SHIP, ORDERS_TO_SHIP_WITH_NOTE


class WorkFilter(admin.SimpleListFilter):
    """The order queues the back office's index counts (apps.staff.selectors)."""

    title = gettext_lazy("work to do")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [("to_ship", _("To ship")), ("note", _("To ship, with a customer note"))]

    def queryset(self, request, queryset):
        if self.value() == "to_ship":
            return queryset.filter(ORDERS_TO_SHIP)
        if self.value() == "note":
            return queryset.filter(ORDERS_TO_SHIP_WITH_NOTE)
        return queryset


class HasNoteFilter(admin.SimpleListFilter):
    title = gettext_lazy("customer note")
    parameter_name = "has_note"

    def lookups(self, request, model_admin):
        return [("yes", _("Has a note")), ("no", _("No note"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(customer_note="")
        if self.value() == "no":
            return queryset.filter(customer_note="")
        return queryset


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "product_name",
        "sku_options",
        "sku_code",
        "unit_price_display",
        "quantity",
        "line_total_display",
        "refunded_quantity",
        "refunded_display",
        "out_of_stock_notified_at",
    ]
    readonly_fields = fields
    unit_price_display = money_display(OrderLine, "unit_price")
    line_total_display = money_display(OrderLine, "line_total")
    refunded_display = money_display(OrderLine, "refunded_amount")

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "machine", "from_label", "to_label", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("from"))
    def from_label(self, event):
        return event.from_status_label

    @admin.display(description=gettext_lazy("to"))
    def to_label(self, event):
        return event.to_status_label


class ContactCorrectionForm(forms.Form):
    recipient_name = forms.CharField(label=gettext_lazy("Recipient"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20)
    province = forms.CharField(label=gettext_lazy("Province"), max_length=50, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=50, required=False)
    district = forms.CharField(label=gettext_lazy("District"), max_length=50, required=False)
    street = forms.CharField(label=gettext_lazy("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=10, required=False)

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])


class RefundForm(forms.Form):
    """One quantity field per order line; empty means nothing from that line."""

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = list(order.lines.all())
        for line in self.order_lines:
            remaining = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=str(line), min_value=0, max_value=remaining, initial=0, required=False
            )

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0 for line in self.order_lines}


@admin.register(PickupPoint)
class PickupPointAdmin(TranslationAdmin):
    """The shops where buyers collect in-store pickup orders, in both languages. A point is
    retired by unticking "offered at checkout": orders placed for it keep their copy."""

    list_display = ["name", "address", "opening_hours", "phone", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name_zh_hans", "name_en", "address_zh_hans", "address_en"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "address", "opening_hours", "phone", "map_url"]}),
        (gettext_lazy("At checkout"), {"fields": ["is_active", "sort_order"]}),
    ]


COURIER_FIELDS = ["province", "city", "district", "street", "postal_code"]
PICKUP_FIELDS = ["pickup_point", "pickup_name", "pickup_address", "pickup_hours", "pickup_phone"]


def _pickup_instead_of_address(fields) -> list[str]:
    shown = []
    for field in fields:
        if field == COURIER_FIELDS[0]:
            shown.extend(PICKUP_FIELDS)
        elif field not in COURIER_FIELDS:
            shown.append(field)
    return shown


PARCEL_FIELDS = [*COURIER_FIELDS, "carrier", "tracking_number", "shipped_at", "delivered_at"]


def _without_parcel(fields) -> list[str]:
    return [field for field in fields if field not in PARCEL_FIELDS]


@admin.register(Order)
class OrderAdmin(ReadOnlyPageMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "fulfilment_status",
        "payment_status",
        "payment_method",
        "shipping_method",
        "total_display",
        "recipient_name",
        "has_note",
    ]
    list_filter = [
        WorkFilter,
        "fulfilment_status",
        "payment_status",
        "payment_method",
        "shipping_method",
        "pickup_point",
        HasNoteFilter,
        "invoice_requested",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "email", "phone", "recipient_name", "tracking_number"]
    date_hierarchy = "created_at"
    list_per_page = 50
    inlines = [OrderLineInline, OrderEventInline]
    actions = [
        "cancel_orders",
        "refund_orders",
        "confirm_bank_transfer",
        "start_picking",
        "mark_delivered",
        "print_packing_slips",
    ]
    total_display = money_display(Order, "total_amount")
    subtotal_display = money_display(Order, "subtotal_amount")
    discount_display = money_display(Order, "discount_amount")
    shipping_display = money_display(Order, "shipping_amount")
    refunded_display = money_display(Order, "refunded_amount")
    readonly_fields = [
        *(field.name for field in Order._meta.fields if field.name != "id"),
        "total_display",
        "subtotal_display",
        "discount_display",
        "shipping_display",
        "refunded_display",
        "language_display",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "fulfilment_status",
                    "payment_status",
                    "created_at",
                    "member",
                    "email",
                    "phone",
                    "language_display",
                ]
            },
        ),
        (
            gettext_lazy("Delivery"),
            {
                "fields": [
                    "shipping_method",
                    "recipient_name",
                    *COURIER_FIELDS,
                    "carrier",
                    "tracking_number",
                    "shipped_at",
                    "delivered_at",
                ]
            },
        ),
        (
            gettext_lazy("Payment"),
            {
                "fields": [
                    "payment_method",
                    "paid_at",
                    "expires_at",
                    "subtotal_display",
                    "discount_display",
                    "shipping_display",
                    "total_display",
                    "refunded_display",
                ]
            },
        ),
        (
            gettext_lazy("Customer note and invoice"),
            {"fields": ["customer_note", "invoice_requested", "invoice_title", "invoice_tax_id"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        """A pickup order shows where it is collected (as the buyer was told) instead of a
        courier address; an order with nothing to deliver shows no address or parcel."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not obj.needs_delivery:
            return [
                (name, {**options, "fields": _without_parcel(options["fields"])})
                for name, options in fieldsets
            ]
        if obj is None or not obj.is_pickup:
            return fieldsets
        return [
            (name, {**options, "fields": _pickup_instead_of_address(options["fields"])})
            for name, options in fieldsets
        ]

    @admin.display(description=Order._meta.get_field("language").verbose_name)
    def language_display(self, order):
        """The language the shopper ordered in (their emails are in it), by its name."""
        try:
            return get_language_info(order.language)["name_translated"]
        except KeyError:
            return order.language

    @admin.display(description=gettext_lazy("note"), boolean=True)
    def has_note(self, order):
        return bool(order.customer_note)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("pick-list/", wrap(self.pick_list_view), name="orders_order_pick_list"),
            path("<int:order_id>/ship/", wrap(self.ship_view), name="orders_order_ship"),
            path("<int:order_id>/contact/", wrap(self.contact_view), name="orders_order_contact"),
            path("<int:order_id>/refund/", wrap(self.refund_view), name="orders_order_refund"),
            path(
                "<int:order_id>/out-of-stock/<int:line_id>/",
                wrap(self.out_of_stock_view),
                name="orders_order_out_of_stock",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["order_tools"] = self._tools(request, int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def _tools(self, request, order_id: int) -> list[tuple[str, str]]:
        tools = []
        if request.user.has_perm("orders.ship_order"):
            tools.append((reverse("admin:orders_order_ship", args=[order_id]), _("Mark shipped")))
        if request.user.has_perm("orders.change_order"):
            tools.append(
                (
                    reverse("admin:orders_order_contact", args=[order_id]),
                    _("Correct address or phone"),
                )
            )
        if request.user.has_perm("orders.refund_order"):
            tools.append((reverse("admin:orders_order_refund", args=[order_id]), _("Refund")))
        return tools

    def _require(self, request, permission: str) -> None:
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def pick_list_view(self, request):
        self._require(request, "orders.ship_order")
        try:
            day = date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        data = selectors.pick_list_for_day(day=day)
        return self._page(request, "admin/orders/pick_list.html", _("Pick list"), day=day, **data)

    def ship_view(self, request, order_id):
        self._require(request, "orders.ship_order")
        order = get_object_or_404(Order, pk=order_id)
        form = ShipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.order_mark_shipped(order=order, actor=request.user, **form.cleaned_data)
            except services.OrderError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("Order %(number)s marked shipped; the customer was emailed.")
                    % {"number": order.number},
                )
                return redirect("admin:orders_order_change", order.pk)
        return self._page(
            request, "admin/orders/order_form.html", _("Mark shipped"), order=order, form=form
        )

    def contact_view(self, request, order_id):
        self._require(request, "orders.change_order")
        order = get_object_or_404(Order, pk=order_id)
        initial = {field: getattr(order, field) for field in ContactCorrectionForm.base_fields}
        form = ContactCorrectionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.order_correct_contact(order=order, actor=request.user, **form.cleaned_data)
            except services.OrderError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Address and phone saved; the change is logged."))
                return redirect("admin:orders_order_change", order.pk)
        return self._page(
            request,
            "admin/orders/order_form.html",
            _("Correct address or phone"),
            order=order,
            form=form,
        )

    def refund_view(self, request, order_id):
        self._require(request, "orders.refund_order")
        order = get_object_or_404(Order, pk=order_id)
        form = RefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                services.order_refund(order=order, actor=request.user, lines=form.quantities())
            except services.OrderError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Refund recorded; the customer was emailed."))
                return redirect("admin:orders_order_change", order.pk)
        return self._page(
            request, "admin/orders/order_form.html", _("Refund"), order=order, form=form
        )

    def out_of_stock_view(self, request, order_id, line_id):
        self._require(request, "orders.change_order")
        line = get_object_or_404(OrderLine, pk=line_id, order_id=order_id)
        if request.method == "POST":
            services.order_notify_out_of_stock(line=line, actor=request.user)
            self.message_user(
                request, _("The customer was told that %(item)s is out of stock.") % {"item": line}
            )
            return redirect("admin:orders_order_change", order_id)
        return self._page(
            request,
            "admin/orders/order_form.html",
            _("Out of stock notice"),
            order=line.order,
            form=None,
            line=line,
        )

    def _each(self, request, queryset, action, done_message):
        done = 0
        for order in queryset:
            try:
                action(order)
            except services.OrderError as error:
                self.message_user(request, f"{order.number}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Cancel (stock goes back on sale, payments refunded)"),
        permissions=["change"],
    )
    def cancel_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_cancel(order=order, actor=request.user),
            _("%(count)d orders cancelled."),
        )

    @admin.action(description=gettext_lazy("Refund in full"), permissions=["refund"])
    def refund_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_refund(order=order, actor=request.user),
            _("%(count)d orders refunded."),
        )

    @admin.action(
        description=gettext_lazy("Confirm bank transfer received"), permissions=["change"]
    )
    def confirm_bank_transfer(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: payment_services.payment_confirm_bank_transfer(
                order=order, actor=request.user
            ),
            _("%(count)d payments confirmed."),
        )

    @admin.action(description=gettext_lazy("Start packing"), permissions=["ship"])
    def start_picking(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_start_picking(order=order, actor=request.user),
            _("%(count)d orders are being packed."),
        )

    @admin.action(description=gettext_lazy("Mark delivered"), permissions=["ship"])
    def mark_delivered(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_mark_delivered(order=order, actor=request.user),
            _("%(count)d orders delivered."),
        )

    @admin.action(description=gettext_lazy("Print packing slips"), permissions=["ship"])
    def print_packing_slips(self, request, queryset):
        orders = selectors.orders_for_packing(queryset)
        return self._page(
            request, "admin/orders/packing_slips.html", _("Packing slips"), orders=orders
        )

    def has_refund_permission(self, request):
        return request.user.has_perm("orders.refund_order")

    def has_ship_permission(self, request):
        return request.user.has_perm("orders.ship_order")
