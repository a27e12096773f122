import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from apps.core.choices import PaymentMethod, ShippingMethod
from apps.members import regions
from apps.members.forms import MobileField, RegionFieldsForm

TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")


NEW_ADDRESS = "new"
# Typed only for a new courier address (the person collecting a pickup order gives a name
# and a mobile number too).
NEW_ADDRESS_FIELDS = ("province", "city", "district", "street")


class CheckoutForm(RegionFieldsForm):
    """Contact, delivery and payment choices. A member picks one of their saved addresses
    (the default one first) or "a new address"; the typed address counts only for a new one.
    An in-store pickup names one of the active pickup points instead. Region selects cascade
    province → city → district; without JavaScript the “Update choices” button reloads the
    lists. A cart with nothing to deliver (`needs_delivery` False: a paid membership) asks
    for no delivery at all: only who buys (name and mobile number), no address, no pickup
    point and no cash on delivery; the order's shipping method is "none"."""

    regions_required = False

    email = forms.EmailField(label=_("Email"), max_length=254)
    shipping_method = forms.ChoiceField(
        label=_("Delivery"), choices=ShippingMethod.choices, widget=forms.RadioSelect
    )
    saved_address = forms.ChoiceField(
        label=_("Delivery address"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "That address is not in your address book. Choose one of your addresses or"
                " a new address."
            )
        },
    )
    pickup_point = forms.ChoiceField(
        label=_("Pickup point"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where you will collect the order."),
            "invalid_choice": _("That pickup point is not offered. Choose one from the list."),
        },
    )
    recipient_name = forms.CharField(
        label=_("Recipient"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = MobileField()
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{6}$", required=False, max_length=6
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    customer_note = forms.CharField(
        label=_("Note to the shop"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    invoice_requested = forms.BooleanField(label=_("I need an invoice (发票)"), required=False)
    invoice_title = forms.CharField(label=_("Invoice title"), max_length=100, required=False)
    invoice_tax_id = forms.CharField(label=_("Taxpayer ID"), max_length=20, required=False)

    points_to_redeem = forms.IntegerField(
        label=_("Points to use"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )

    coupon_code = forms.CharField(
        label=_("Coupon code"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(
        self,
        *args,
        addresses=(),
        pickup_points=(),
        online_payment=True,
        points_usable: int = 0,
        needs_delivery: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.needs_delivery = needs_delivery
        if points_usable > 0:
            # The most of the member's points this order can use (apps.points).
            field = self.fields["points_to_redeem"]
            field.max_value = points_usable
            field.widget.attrs["max"] = points_usable
            field.validators.append(
                MaxValueValidator(
                    points_usable,
                    message=_("You can use at most %(limit_value)s points on this order."),
                )
            )
        else:
            del self.fields["points_to_redeem"]
        if not online_payment:
            # No gateway is configured: online payment is simply not offered.
            self.fields["payment_method"].choices = [
                choice for choice in PaymentMethod.choices if choice[0] != PaymentMethod.ONLINE
            ]
        if not needs_delivery:
            self._without_delivery()
            return
        self.fields["shipping_method"].choices = [
            choice for choice in ShippingMethod.choices if choice[0] != ShippingMethod.NONE
        ]
        self.addresses = {str(address.pk): address for address in addresses}
        self.pickup_points = {str(point.pk): point for point in pickup_points}
        if self.addresses:
            self.fields["saved_address"].choices = [
                *((pk, str(address)) for pk, address in self.addresses.items()),
                (NEW_ADDRESS, _("A new address")),
            ]
        else:
            del self.fields["saved_address"]
        if self.pickup_points:
            self.fields["pickup_point"].choices = [
                (pk, str(point)) for pk, point in self.pickup_points.items()
            ]
        else:
            # Without a point to collect from, pickup is not offered.
            del self.fields["pickup_point"]
            self.fields["shipping_method"].choices = [
                choice for choice in ShippingMethod.choices if choice[0] != ShippingMethod.PICKUP
            ]
        if self.is_bound:
            self._require_what_the_choices_need()
        else:
            self._preselect()
            # Shown as required wherever they are shown; a bound form decides from the choices.
            for name in ("recipient_name", *NEW_ADDRESS_FIELDS):
                self.fields[name].required = True

    def _without_delivery(self) -> None:
        """Nothing to deliver: the delivery fields go, the buyer's name and mobile number stay
        (the order's contact), and cash on delivery is not offered (no parcel to pay for)."""
        self.addresses, self.pickup_points = {}, {}
        for name in ("shipping_method", "saved_address", "pickup_point", "postal_code"):
            del self.fields[name]
        for name in NEW_ADDRESS_FIELDS:
            del self.fields[name]
        self.fields["recipient_name"].label = _("Name")
        self.fields["recipient_name"].required = True
        self.fields["phone"].required = True
        self.fields["payment_method"].choices = [
            choice
            for choice in self.fields["payment_method"].choices
            if choice[0] != PaymentMethod.CASH_ON_DELIVERY
        ]
        self.ignored_fields = set()

    def _preselect(self) -> None:
        """The default address (or the newest) and the first pickup point, unless the shopper
        chose others already."""
        if self.addresses:
            chosen = str(self.initial.get("saved_address") or "")
            if chosen not in self.addresses and chosen != NEW_ADDRESS:
                self.initial["saved_address"] = next(iter(self.addresses))
        if self.pickup_points:
            chosen = str(self.initial.get("pickup_point") or "")
            if chosen not in self.pickup_points:
                self.initial["pickup_point"] = next(iter(self.pickup_points))

    def _require_what_the_choices_need(self) -> None:
        pickup = self.data.get("shipping_method") == ShippingMethod.PICKUP
        saved = (self.data.get("saved_address") or NEW_ADDRESS) != NEW_ADDRESS
        # A saved address brings its own recipient and mobile number.
        uses_saved_address = not pickup and "saved_address" in self.fields and saved
        typed = not pickup and not uses_saved_address
        for name in NEW_ADDRESS_FIELDS:
            self.fields[name].required = typed
        self.fields["recipient_name"].required = not uses_saved_address
        self.fields["phone"].required = not uses_saved_address
        if "pickup_point" in self.fields:
            self.fields["pickup_point"].required = pickup
        # Fields hidden by the choices count for nothing, not even a mistake typed in them
        # before the shopper changed their mind.
        self.ignored_fields = set()
        if not typed:
            self.ignored_fields |= {*NEW_ADDRESS_FIELDS, "postal_code"}
        if uses_saved_address:
            self.ignored_fields |= {"recipient_name", "phone"}
        self.ignored_fields.add("saved_address" if pickup else "pickup_point")

    def clean_coupon_code(self):
        # The code as the shop keeps it (upper case, no spaces); apps.promotions checks it.
        return "".join(self.cleaned_data.get("coupon_code", "").split()).upper()

    def clean_points_to_redeem(self):
        return self.cleaned_data.get("points_to_redeem") or 0

    def clean_saved_address(self):
        # Absent or empty means a new address, as for a shopper without saved ones.
        return self.cleaned_data.get("saved_address") or NEW_ADDRESS

    def clean_invoice_tax_id(self):
        value = self.cleaned_data["invoice_tax_id"].strip().upper()
        if value and not TAX_ID.match(value):
            raise ValidationError(_("A taxpayer ID has 15 to 20 letters and digits."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("invoice_requested") and not data.get("invoice_title"):
            self.add_error("invoice_title", _("Enter the title to print on the invoice."))
        for name in self.ignored_fields:
            self._errors.pop(name, None)
        if not self.needs_delivery:
            data["shipping_method"] = ShippingMethod.NONE
        return data

    @property
    def chosen_address(self):
        """The saved address the order goes to, or None for a new address or a pickup."""
        data = self.cleaned_data
        if data.get("shipping_method") == ShippingMethod.PICKUP:
            return None
        return self.addresses.get(data.get("saved_address") or NEW_ADDRESS)

    @property
    def chosen_pickup_point(self):
        data = self.cleaned_data
        if data.get("shipping_method") != ShippingMethod.PICKUP:
            return None
        return self.pickup_points.get(data.get("pickup_point") or "")

    def delivery(self) -> dict:
        """Who receives the order and where: the saved address, the typed one, or the
        pickup point with the name and mobile number of whoever collects it."""
        data = self.cleaned_data
        if not self.needs_delivery:
            return {"recipient_name": data["recipient_name"], "phone": data["phone"]}
        point = self.chosen_pickup_point
        if point is not None:
            return {
                "recipient_name": data["recipient_name"],
                "phone": data["phone"],
                "pickup_point_id": point.pk,
            }
        address = self.chosen_address
        if address is not None:
            return {
                "recipient_name": address.recipient_name,
                "phone": address.mobile,
                "province": address.province_name,
                "city": address.city_name,
                "district": address.district_name,
                "region_code": address.district_code,
                "street": address.street,
                "postal_code": address.postal_code,
            }
        return {
            "recipient_name": data["recipient_name"],
            "phone": data["phone"],
            "province": regions.name_of(data["province"]),
            "city": regions.name_of(data["city"]),
            "district": regions.name_of(data["district"]),
            "region_code": data["district"],
            "street": data["street"],
            "postal_code": data.get("postal_code", ""),
        }


class PlaceOrderForm(forms.Form):
    idempotency_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput)

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(24)


class OrderLookupForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=20)
    contact = forms.CharField(label=_("Mobile number or email used for the order"), max_length=254)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=50)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=50)
