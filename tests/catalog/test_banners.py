"""Home-page banners: shown only inside their window, in the operators' order, in the
shopper's language, and managed in the back office."""

from datetime import timedelta

import factory
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from apps.catalog import selectors
from apps.catalog.models import Banner
from apps.core import pagecache
from tests.catalog.factories import BannerFactory
from tests.staff.admin_forms import image_upload, staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return staff_client(client, StaffUserFactory(is_superuser=True))


def _titles(banners) -> list[str]:
    return [banner.title for banner in banners]


def test_only_banners_live_now_are_shown_in_sort_order():
    now = timezone.now()
    BannerFactory(title_zh_hans="常驻", sort_order=2)
    BannerFactory(title_zh_hans="进行中", sort_order=1, starts_at=now - timedelta(hours=1))
    BannerFactory(title_zh_hans="明天开始", starts_at=now + timedelta(days=1))
    BannerFactory(title_zh_hans="已结束", ends_at=now - timedelta(minutes=1))
    BannerFactory(title_zh_hans="已停用", is_active=False)

    assert _titles(selectors.home_banners(now=now)) == ["进行中", "常驻"]


def test_a_banner_appears_and_disappears_with_its_window_without_any_catalog_change():
    now = timezone.now()
    BannerFactory(
        title_zh_hans="双十二",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )

    before = selectors.home_banners(now=now)
    during = selectors.home_banners(now=now + timedelta(hours=1, minutes=1))
    after = selectors.home_banners(now=now + timedelta(hours=2))

    assert (_titles(before), _titles(during), _titles(after)) == ([], ["双十二"], [])


def test_the_cached_home_page_lives_no_longer_than_the_next_banner_start():
    BannerFactory(starts_at=timezone.now() + timedelta(seconds=30))
    request = RequestFactory().get("/")

    selectors.home_banners(request=request)

    assert pagecache._lifetime(request) <= 30


def test_english_pages_get_the_english_picture_and_link():
    banner = BannerFactory(image_en=factory.django.ImageField(filename="english.jpg"))

    with translation.override("en"):
        shown = selectors.home_banners()[0]

    assert (shown.image_url, shown.link) == (banner.image_en.url, "/en/series/appliances/")
    assert (shown.width, shown.height) == (1200, 600)


def test_english_pages_show_the_chinese_picture_when_there_is_no_english_one():
    banner = BannerFactory(image_en=None)

    with translation.override("en"):
        shown = selectors.home_banners()[0]

    assert shown.image_url == banner.image_zh_hans.url


def test_admin_banner_list_shows_each_banner_with_its_picture(admin_client):
    banner = BannerFactory(title_zh_hans="新品上市")

    response = admin_client.get(reverse("admin:catalog_banner_changelist"))

    assert response.status_code == 200
    assert "新品上市" in response.content.decode()
    assert f'src="{banner.image.url}"' in response.content.decode()


def _add_form(**changes) -> dict:
    return {
        "title_zh_hans": "年终好价",
        "title_en": "Year-end deals",
        "image_zh_hans": image_upload("square.png", "PNG", size=(900, 900)),
        "link": "/series/appliances/",
        "sort_order": "0",
        "is_active": "on",
        **changes,
    }


def test_a_banner_added_in_admin_is_on_the_home_page_at_once_cut_to_two_by_one(
    admin_client, django_capture_on_commit_callbacks
):
    assert selectors.home_banners() == []  # kept by the worker until the catalog changes

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_banner_add"), _add_form())

    assert response.status_code == 302
    assert _titles(selectors.home_banners()) == ["年终好价"]
    with Image.open(Banner.objects.get().image_zh_hans) as picture:
        assert picture.size == (1200, 600)


def test_a_banner_switched_off_in_the_list_leaves_the_home_page(
    admin_client, django_capture_on_commit_callbacks
):
    banner = BannerFactory()
    assert _titles(selectors.home_banners()) == [banner.title]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:catalog_banner_changelist"),
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(banner.pk),
                "form-0-sort_order": "3",
                "_save": "Save",
            },
        )

    banner.refresh_from_db()
    assert (banner.is_active, banner.sort_order) == (False, 3)
    assert selectors.home_banners() == []


def test_a_banner_must_link_to_a_page_of_the_shop(admin_client):
    response = admin_client.post(
        reverse("admin:catalog_banner_add"), _add_form(link="https://example.com/")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["link"]
    assert not Banner.objects.exists()


def test_a_banner_must_end_after_it_starts(admin_client):
    response = admin_client.post(
        reverse("admin:catalog_banner_add"),
        _add_form(
            starts_at_0="2026-12-12",
            starts_at_1="00:00:00",
            ends_at_0="2026-12-11",
            ends_at_1="00:00:00",
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"]
    assert not Banner.objects.exists()
