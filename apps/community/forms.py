from django import forms
from django.utils.translation import gettext_lazy as _

FEEDBACK_MIN_LENGTH = 5
FEEDBACK_MAX_LENGTH = 2000


class FeedbackForm(forms.Form):
    """Feedback on a help page. `website` is a honeypot: hidden from people by CSS, filled in
    by bots that complete every field."""

    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("We reply to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Message"),
        min_length=FEEDBACK_MIN_LENGTH,
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_from_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def feedback(self) -> dict[str, str]:
        """The cleaned fields the feedback service takes."""
        return {
            "name": self.cleaned_data["name"],
            "email": self.cleaned_data["email"],
            "message": self.cleaned_data["message"],
        }
