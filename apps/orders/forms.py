import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.members import regions
from apps.members.forms import MobileField, RegionFieldsForm
from apps.orders.choices import PaymentMethod, ShippingMethod
from apps.orders.models import ReturnKind, ReturnReason

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

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
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


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input; the list may be empty. Their content is checked by the
    service that stores them (services.return_photo_prepare)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in files if item]


class ReturnRequestForm(forms.Form):
    """What to send back and why: a quantity per returnable order line, and for an exchange
    the option wanted instead (when the product has others at the same price)."""

    kind = forms.ChoiceField(
        label=_("What would you like?"), choices=ReturnKind.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=ReturnReason.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultipleImageField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos (JPEG, PNG, WebP or GIF), each at most 5 MB."),
    )

    def __init__(self, *args, returnable, **kwargs):
        super().__init__(*args, **kwargs)
        self.returnable = [item for item in returnable if item.available]
        self.line_rows = []
        for item in self.returnable:
            line = item.line
            quantity_name, replacement_name = f"line_{line.pk}", f"replacement_{line.pk}"
            self.fields[quantity_name] = forms.IntegerField(
                label=_("How many of %(item)s")
                % {"item": f"{line.product_name} {line.sku_options}"},
                min_value=0,
                max_value=item.available,
                initial=0,
                required=False,
            )
            if len(item.replacements) > 1:
                self.fields[replacement_name] = forms.TypedChoiceField(
                    label=_("For an exchange, send instead"),
                    choices=[(sku.pk, sku.options or sku.code) for sku in item.replacements],
                    coerce=int,
                    initial=line.sku_id,
                    required=False,
                )
            self.line_rows.append(
                {
                    "item": item,
                    "quantity": self[quantity_name],
                    "replacement": self[replacement_name]
                    if replacement_name in self.fields
                    else None,
                }
            )

    def clean(self):
        data = super().clean()
        if not any(self.quantities().values()):
            raise ValidationError(_("Choose at least one item and how many."))
        return data

    def quantities(self) -> dict[int, int]:
        return {
            item.line.pk: self.cleaned_data.get(f"line_{item.line.pk}") or 0
            for item in self.returnable
        }

    def replacements(self) -> dict[int, int]:
        return {
            item.line.pk: self.cleaned_data[f"replacement_{item.line.pk}"]
            for item in self.returnable
            if self.cleaned_data.get(f"replacement_{item.line.pk}")
        }
