"""Checks shared by forms, services and the model: what a mainland China mobile number is."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MOBILE_PATTERN = r"^1[3-9]\d{9}$"
MOBILE_MESSAGE = _(
    "Enter an 11-digit mainland China mobile number starting with 13 to 19, e.g. 13800138000."
)

validate_mobile = RegexValidator(MOBILE_PATTERN, MOBILE_MESSAGE, code="invalid_mobile")


def normalise_mobile(value: str) -> str:
    """The bare 11 digits of a mobile number typed with spaces, dashes or a +86 prefix;
    ValidationError when what is left is not a mainland China mobile number."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    validate_mobile(digits)
    return digits
