from modeltranslation.translator import TranslationOptions, register

from apps.promotions.models import Campaign, Coupon, Offer


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("name",)


@register(Coupon)
class CouponTranslation(TranslationOptions):
    fields = ("name",)
