import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.aftersales.models import ReturnKind, ReturnReason

TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")


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
