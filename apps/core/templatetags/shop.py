from django import template
from django.utils.translation import get_language

from apps.core.money import format_cny

register = template.Library()


@register.filter
def cny(amount):
    """{{ sku.price|cny }} → ¥1,299.00 in Django templates (emails, the admin); storefront
    pages use the same filter in apps.core.jinja2."""
    if amount is None or amount == "":
        return ""
    return format_cny(amount, get_language() or "zh-hans")
