from modeltranslation.translator import TranslationOptions, register

from apps.community.models import HelpPage


@register(HelpPage)
class HelpPageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    # Both storefront languages are complete: a help page needs its title and text in each.
    required_languages = ("zh-hans", "en")
