"""The back office speaks the staff member's language (the language switch, else the
browser's), while the storefront keeps taking its language from the URL."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory(roles=["warehouse"]))
    return client


def page_language(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0].lower()


def test_without_a_choice_the_back_office_is_in_the_shops_language(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert page_language(response) == "zh-hans"
    assert gettext("Log out") in response.content.decode()


def test_an_english_browser_gets_the_back_office_in_english(staff_client):
    response = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert page_language(response) == "en"
    assert "Log out" in response.content.decode()


def test_a_chinese_browser_gets_the_back_office_in_chinese(staff_client):
    response = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert page_language(response) == "zh-hans"


def test_the_language_switch_keeps_the_chosen_language_on_every_page(staff_client):
    switched = staff_client.post(
        reverse("admin:language"),
        {"language": "en", "next": reverse("admin:orders_order_changelist")},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    response = staff_client.get(
        reverse("admin:orders_order_changelist"), HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    assert switched.status_code == 302
    assert switched["Location"] == reverse("admin:orders_order_changelist")
    assert page_language(response) == "en"
    assert "Select order to view" in response.content.decode()


def test_the_login_page_follows_the_chosen_language_too(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("admin:login"))

    assert page_language(response) == "en"
    assert 'name="language" value="zh-hans"' in response.content.decode()


def test_the_storefront_still_takes_its_language_from_the_url(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    english = client.get("/en/")

    assert page_language(chinese) == "zh-hans"
    assert page_language(english) == "en"
