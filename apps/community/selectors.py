"""Reads of the customer-service centre that its pages share."""

from dataclasses import dataclass

from apps.community.models import HelpPage


@dataclass(frozen=True)
class HelpSection:
    """One section of the help index: its pages and the staff addresses answering for them."""

    label: str
    pages: list[HelpPage]
    responsible_emails: list[str]


def help_pages() -> list[HelpPage]:
    """Published help pages in their reading order (one query)."""
    return list(HelpPage.objects.filter(is_published=True))


def help_page(*, slug: str) -> HelpPage | None:
    return HelpPage.objects.filter(is_published=True, slug=slug).first()


def help_sections() -> list[HelpSection]:
    """Published pages grouped by section, sections in the order the shop defines them."""
    pages = help_pages()
    sections = []
    for value, label in HelpPage.Section.choices:
        in_section = [page for page in pages if page.section == value]
        if not in_section:
            continue
        emails = list(dict.fromkeys(page.responsible_email for page in in_section))
        sections.append(HelpSection(label=label, pages=in_section, responsible_emails=emails))
    return sections
