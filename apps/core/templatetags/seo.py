from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_urls(context):
    """(code, name, url) of the current page in each language, for the switch and hreflang."""
    request = context["request"]
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    result = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        result.append((code, name, f"{url}?{query}" if query else url))
    return result


@register.simple_tag(takes_context=True)
def absolute(context, url):
    return context["request"].build_absolute_uri(url)
