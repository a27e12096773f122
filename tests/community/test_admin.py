"""The help pages' back office: listing by section, search, filter, both languages, and the
storefront's cached pages following every save."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.community.models import HelpPage
from tests.community.factories import HelpPageFactory
from tests.staff.admin_forms import change_form_data, staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:community_helppage_changelist"


@pytest.fixture
def editor(client):
    return staff_client(client, StaffUserFactory(roles=["editor"]))


def listed(response) -> list[str]:
    return [page.slug for page in response.context["cl"].result_list]


def test_list_follows_the_storefront_order_of_sections(editor):
    HelpPageFactory(slug="faq", section=HelpPage.Section.FAQ, sort_order=1)
    HelpPageFactory(slug="guide", section=HelpPage.Section.SHOPPING_GUIDE, sort_order=9)
    HelpPageFactory(slug="fees", section=HelpPage.Section.DELIVERY_FEES, sort_order=5)

    response = editor.get(reverse(CHANGELIST))

    assert listed(response) == ["guide", "fees", "faq"]


def test_search_finds_a_page_by_its_english_text(editor):
    HelpPageFactory(slug="fees", body_en="Courier delivery costs 12 yuan.")
    HelpPageFactory(slug="other")

    response = editor.get(reverse(CHANGELIST), {"q": "courier"})

    assert listed(response) == ["fees"]


def test_filter_shows_unpublished_pages(editor):
    HelpPageFactory(slug="draft", is_published=False)
    HelpPageFactory(slug="live")

    response = editor.get(reverse(CHANGELIST), {"is_published__exact": "0"})

    assert listed(response) == ["draft"]


def test_a_page_needs_its_text_in_both_languages(editor):
    response = editor.post(
        reverse("admin:community_helppage_add"),
        {
            "section": HelpPage.Section.FAQ,
            "slug": "new-faq",
            "title_zh_hans": "常见问题",
            "title_en": "",
            "body_zh_hans": "问：……",
            "body_en": "",
            "responsible_email": "service@example.com",
            "is_published": "on",
            "sort_order": "0",
        },
    )

    assert response.status_code == 200
    assert {"title_en", "body_en"} <= set(response.context["adminform"].form.errors)
    assert HelpPage.objects.count() == 0


def test_saving_in_admin_shows_shoppers_the_new_text(
    client, editor, django_capture_on_commit_callbacks
):
    page = HelpPageFactory(title_en="Old title")
    with translation.override("en"):
        url = page.get_absolute_url()
    client.logout()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    staff_client(client, StaffUserFactory(roles=["editor"]))
    change_url = reverse("admin:community_helppage_change", args=[page.pk])
    data = {**change_form_data(client.get(change_url)), "title_en": "New title"}

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(change_url, data)
    client.logout()
    client.cookies.clear()
    response = client.get(url)

    assert saved.status_code == 302
    assert response["X-Page-Cache"] == "miss"
    assert "<h1>New title</h1>" in response.content.decode()
