from django import template

from apps.core import jinja2

register = template.Library()

# {{ sku.price|cny }} → ¥1,299.00 in Django templates (emails, the admin): the storefront's
# own filter (apps.core.jinja2), so both engines write prices the same way.
register.filter("cny", jinja2.cny)
