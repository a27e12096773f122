from modeltranslation.translator import TranslationOptions, register

from apps.members.models import Tier


@register(Tier)
class TierTranslation(TranslationOptions):
    fields = ("name", "benefits")
