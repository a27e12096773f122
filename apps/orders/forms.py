import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.choices import PaymentMethod, ShippingMethod
from apps.members import regions
from apps.members.forms import MobileField, RegionFieldsForm

TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")


class CheckoutForm(RegionFieldsForm):
    """Contact, delivery and payment choices. Region selects cascade province → city →
    district; without JavaScript the “Update choices” button reloads the lists."""

    regions_required = False

    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = MobileField()
    saved_address = forms.TypedChoiceField(
        label=_("Saved address"), required=False, coerce=int, empty_value=None
    )
    recipient_name = forms.CharField(label=_("Recipient"), max_length=50, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{6}$", required=False, max_length=6
    )
    shipping_method = forms.ChoiceField(
        label=_("Delivery"), choices=ShippingMethod.choices, widget=forms.RadioSelect
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

    def __init__(self, *args, addresses=(), online_payment=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not online_payment:
            # No gateway is configured: online payment is simply not offered.
            self.fields["payment_method"].choices = [
                choice for choice in PaymentMethod.choices if choice[0] != PaymentMethod.ONLINE
            ]
        self.addresses = {address.pk: address for address in addresses}
        self.fields["saved_address"].choices = [("", _("A new address"))] + [
            (address.pk, str(address)) for address in addresses
        ]
        if not addresses:
            del self.fields["saved_address"]
        # The typed address is required only when a courier brings it to a new address.
        data = self.data if self.is_bound else self.initial
        courier = (data.get("shipping_method") or ShippingMethod.COURIER) == ShippingMethod.COURIER
        typed = courier and not data.get("saved_address")
        for name in ("province", "city", "district", "street"):
            self.fields[name].required = typed
        self.fields["recipient_name"].required = typed or not courier

    def clean_invoice_tax_id(self):
        value = self.cleaned_data["invoice_tax_id"].strip().upper()
        if value and not TAX_ID.match(value):
            raise ValidationError(_("A taxpayer ID has 15 to 20 letters and digits."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("invoice_requested") and not data.get("invoice_title"):
            self.add_error("invoice_title", _("Enter the title to print on the invoice."))
        if (
            data.get("shipping_method") == ShippingMethod.COURIER
            and data.get("saved_address")
            and data["saved_address"] not in self.addresses
        ):
            self.add_error("saved_address", _("Choose one of your addresses."))
        return data

    def delivery(self) -> dict:
        """Address fields for the order, from the saved address or the typed one."""
        data = self.cleaned_data
        if data.get("shipping_method") == ShippingMethod.PICKUP:
            return {"recipient_name": data["recipient_name"]}
        address = self.addresses.get(data.get("saved_address"))
        if address is not None:
            return {
                "recipient_name": address.recipient_name,
                "province": address.province_name,
                "city": address.city_name,
                "district": address.district_name,
                "region_code": address.district_code,
                "street": address.street,
                "postal_code": address.postal_code,
            }
        return {
            "recipient_name": data["recipient_name"],
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
