from django.utils import translation
from django.utils.translation import gettext


def shown(message: str, language: str = "zh-hans") -> str:
    """A label as the shopper reads it in that language, from the same message catalogs the
    server uses, so the tests keep working as translations are added or changed."""
    with translation.override(language):
        return gettext(message)
