import factory
from factory.django import DjangoModelFactory

from apps.community.models import HelpPage


class HelpPageFactory(DjangoModelFactory):
    """A published help page written in both languages."""

    class Meta:
        model = HelpPage

    section = HelpPage.Section.SHOPPING_GUIDE
    slug = factory.Sequence(lambda n: f"help-page-{n}")
    title_zh_hans = factory.Sequence(lambda n: f"帮助页面{n}")
    title_en = factory.Sequence(lambda n: f"Help page {n}")
    summary_zh_hans = "简短说明"
    summary_en = "A short summary"
    body_zh_hans = "第一段。\n\n第二段。"
    body_en = "First paragraph.\n\nSecond paragraph."
    responsible_email = "service@example.com"
    is_published = True
    sort_order = factory.Sequence(lambda n: n)
