from modeltranslation.translator import TranslationOptions, register

from apps.community.models import HelpPage


@register(HelpPage)
class HelpPageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
