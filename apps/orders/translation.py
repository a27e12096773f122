from modeltranslation.translator import TranslationOptions, register

from apps.orders.models import PickupPoint


@register(PickupPoint)
class PickupPointTranslation(TranslationOptions):
    fields = ("name", "address", "opening_hours")
