"""Django-template pages (allauth's log in, sign up, password reset...) in the storefront's
Jinja2 layout, so the header and footer exist once, in templates/base.jinja.

    {% load storefront %}{% storefront_layout %}
      {% block head_title %}{% endblock %}
    {% layout_head %}{% block extra_head %}{% endblock %}
    {% layout_content %}{% block content %}{% endblock %}
    {% layout_scripts %}{% block extra_body %}{% endblock %}
    {% endstorefront_layout %}

Blocks inside stay overridable by the templates that extend the page.
"""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()

PARTS = ("title", "head", "content", "scripts")


class StorefrontLayoutNode(template.Node):
    child_nodelists = PARTS

    def __init__(self, **parts):
        for name in PARTS:
            setattr(self, name, parts[name])

    def render(self, context):
        # Django templates have escaped these parts already; Jinja2 must not escape them again.
        filled = {
            f"page_{name}": mark_safe(getattr(self, name).render(context))  # noqa: S308
            for name in PARTS
        }
        page = engines["jinja2"].get_template("includes/django_page.jinja")
        return page.render(filled, request=context.get("request"))


@register.tag
def storefront_layout(parser, token):
    parts = {}
    current = "title"
    for following in ("layout_head", "layout_content", "layout_scripts", "endstorefront_layout"):
        parts[current] = parser.parse((following,))
        parser.delete_first_token()
        current = following.removeprefix("layout_")
    return StorefrontLayoutNode(**parts)
