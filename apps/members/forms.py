"""Member forms: validation and cleaning only. RegionFieldsForm and MobileField are meant to
be reused wherever a Chinese delivery address is typed (the address book, checkout)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.members import regions
from apps.members.validators import MOBILE_MESSAGE, normalise_mobile

REFRESH_BUTTON_NAME = "refresh"


class MobileField(forms.CharField):
    """A mainland China mobile number; accepts spaces, dashes and +86, cleans to 11 digits."""

    default_error_messages = {"invalid": MOBILE_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "tel", "autocomplete": "tel-national"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            return normalise_mobile(value)
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class RegionFieldsForm(forms.Form):
    """Province → city → district selects. The city and district lists are filled on the
    server from the chosen province and city, so the cascade works without JavaScript: the
    page offers an "Update choices" submit button named `refresh`, and a view that sees it
    re-renders the form with ``for_refresh`` instead of saving. static/js/region-cascade.js
    fills the lists as the shopper chooses and hides that button.

    Mix it into another form (``class CheckoutForm(RegionFieldsForm, forms.Form)``) and
    render it inside that form with the region_fields() macro of
    templates/members/partials/region_fields.jinja. Set
    ``regions_required = False`` on forms where the address is optional."""

    regions_required = True

    province = forms.ChoiceField(
        label=_("Province"),
        error_messages={"invalid_choice": _("Choose a province from the list.")},
    )
    city = forms.ChoiceField(
        label=_("City"),
        error_messages={"invalid_choice": _("Choose a city of the chosen province.")},
    )
    district = forms.ChoiceField(
        label=_("District"),
        error_messages={"invalid_choice": _("Choose a district of the chosen city.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_region_choices()

    @classmethod
    def for_refresh(cls, data, **kwargs):
        """An unbound form showing what was typed, with the region lists for the newly
        chosen province and city, and no error messages (nothing was submitted to save)."""
        initial = {key: data.get(key) for key in data}
        prefix = kwargs.get("prefix")
        if prefix:
            initial = {
                key.removeprefix(f"{prefix}-"): value
                for key, value in initial.items()
                if key.startswith(f"{prefix}-")
            }
        return cls(initial=initial, **kwargs)

    def _region_value(self, name: str) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or ""
        return str(self.get_initial_for_field(self.fields[name], name) or "")

    def _set_region_choices(self) -> None:
        province = self._region_value("province")
        city = self._region_value("city")
        district = self._region_value("district")
        city_choices = regions.cities(province)
        if not self.is_bound and city not in dict(city_choices):
            # Drop a city left over from another province, and pick the only city of a
            # municipality (北京市 → 市辖区) so the shopper goes straight to the districts.
            city = city_choices[0][0] if len(city_choices) == 1 else ""
        district_choices = regions.districts(city)
        if not self.is_bound:
            if district not in dict(district_choices):
                district = ""
            self.initial = {**self.initial, "city": city, "district": district}
        for name, placeholder, choices in (
            ("province", _("Choose a province"), regions.labelled(regions.provinces())),
            ("city", _("Choose a city"), regions.labelled(city_choices)),
            ("district", _("Choose a district"), regions.labelled(district_choices)),
        ):
            field = self.fields[name]
            field.choices = [("", placeholder), *choices]
            field.required = self.regions_required
            field.widget.attrs["data-region"] = name

    def clean(self):
        data = super().clean()
        names = ("province", "city", "district")
        if any(self.has_error(name) for name in names):
            return data
        province, city, district = (data.get(name) or "" for name in names)
        if (province or city or district) and not regions.is_valid_chain(province, city, district):
            self.add_error(
                "district", _("Choose a province, a city in it and a district of that city.")
            )
        return data


class AddressForm(RegionFieldsForm):
    recipient_name = forms.CharField(
        label=_("Recipient"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField()
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        help_text=_("Street, building, unit and room number."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{6}$",
        max_length=6,
        required=False,
        error_messages={"invalid": _("A postal code has six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    is_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    field_order = [
        "recipient_name",
        "mobile",
        "province",
        "city",
        "district",
        "street",
        "postal_code",
        "is_default",
    ]

    def address_fields(self) -> dict:
        """The cleaned values as the address services' keyword arguments."""
        data = self.cleaned_data
        return {
            "recipient_name": data["recipient_name"],
            "mobile": data["mobile"],
            "province_code": data["province"],
            "city_code": data["city"],
            "district_code": data["district"],
            "street": data["street"],
            "postal_code": data["postal_code"],
            "is_default": data["is_default"],
        }

    @staticmethod
    def initial_for(address) -> dict:
        return {
            "recipient_name": address.recipient_name,
            "mobile": address.mobile,
            "province": address.province_code,
            "city": address.city_code,
            "district": address.district_code,
            "street": address.street,
            "postal_code": address.postal_code,
            "is_default": address.is_default,
        }


class ProfileForm(forms.Form):
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = MobileField(required=False)
