from apps.community.models import HelpPage


def help_pages() -> list[HelpPage]:
    return list(HelpPage.objects.filter(is_published=True))


def help_page(*, slug: str) -> HelpPage | None:
    return HelpPage.objects.filter(is_published=True, slug=slug).first()
