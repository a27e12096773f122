from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PointsAdjustForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("Positive to add, negative to take away."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("The member reads it in their points history."),
    )

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise ValidationError(_("Enter a number of points other than zero."))
        return points
