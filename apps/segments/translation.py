from modeltranslation.translator import TranslationOptions, register

from apps.segments.models import Segment


@register(Segment)
class SegmentTranslation(TranslationOptions):
    fields = ("name",)
