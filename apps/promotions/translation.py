from modeltranslation.translator import TranslationOptions, register

from apps.promotions.models import Campaign


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("name", "description")
