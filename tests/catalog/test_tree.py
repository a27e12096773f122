"""The series and category tree is read once per catalog version and language, then served
from the worker's memory; a catalog change shows at once, and a dead cache means reading the
database on every request, never an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.catalog import services, tree
from apps.catalog.models import Category
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(name_zh_hans="电饭煲", name_en="Rice cookers")


@pytest.fixture
def home(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders, so the kept tree is what we see
    return reverse("catalog:home")


def test_tree_is_read_once_per_catalog_version(category):
    tree.catalog_tree()

    with CaptureQueriesContext(connection) as queries:
        kept = tree.catalog_tree()

    assert (len(queries), [s.pk for s in kept.series]) == (0, [category.series_id])


def test_each_language_has_its_own_tree(category):
    with translation.override("zh-hans"):
        chinese = tree.catalog_tree()
    with translation.override("en"):
        english = tree.catalog_tree()

    assert chinese is not english


def test_category_rename_shows_after_the_catalog_version_bump(
    client, home, category, django_capture_on_commit_callbacks
):
    client.get(home)
    Category.objects.filter(pk=category.pk).update(name_zh_hans="多功能电饭煲")
    unchanged = client.get(home)

    with django_capture_on_commit_callbacks(execute=True):
        services.catalog_tree_changed()
    renamed = client.get(home)

    assert "多功能电饭煲" not in unchanged.content.decode()
    assert "多功能电饭煲" in renamed.content.decode()


def test_category_page_finds_its_category_in_the_kept_tree(client, category, settings):
    settings.PAGE_CACHE_SECONDS = 0

    page = client.get(category.get_absolute_url())

    assert (page.status_code, page.context["category"].series.pk) == (200, category.series_id)


def test_dead_cache_reads_the_tree_from_the_database(client, category, cache_on_throwaway_redis):
    client.get(reverse("catalog:home"))
    cache_on_throwaway_redis.stop()
    Category.objects.filter(pk=category.pk).update(name_zh_hans="多功能电饭煲")

    page = client.get(reverse("catalog:home"))

    assert page.status_code == 200
    assert "多功能电饭煲" in page.content.decode()
