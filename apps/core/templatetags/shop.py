from django import template
from django.utils.translation import get_language

from apps.core.money import format_cny

register = template.Library()


@register.filter
def cny(amount):
    """{{ sku.price|cny }} → ¥1,299.00, formatted for the active language."""
    if amount is None or amount == "":
        return ""
    return format_cny(amount, get_language() or "zh-hans")


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """The current query string with some parameters changed (None removes one);
    used by sorting links and pagination so filters survive."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
