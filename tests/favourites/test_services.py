import threading
from decimal import Decimal

import pytest
from django.db import connection

from apps.favourites import services
from apps.favourites.models import Favourite
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.favourites.factories import FavouriteFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_adding_keeps_the_lowest_price_and_stock_of_the_moment():
    member = UserFactory()
    product = ProductFactory(skus=[])
    SkuFactory(product=product, price=Decimal("299.00"), stock=0)
    SkuFactory(product=product, price=Decimal("259.00"), stock=0)

    favourite = services.favourite_add(member=member, product_id=product.pk)

    assert favourite.price_when_saved == Decimal("259.00")
    assert favourite.in_stock_when_saved is False


def test_adding_twice_keeps_one_favourite_with_the_first_price():
    member = UserFactory()
    product = ProductFactory()
    first = services.favourite_add(member=member, product_id=product.pk)
    SkuFactory(product=product, price=Decimal("99.00"))

    again = services.favourite_add(member=member, product_id=product.pk)

    assert again.pk == first.pk
    assert Favourite.objects.filter(member=member).count() == 1
    assert again.price_when_saved == Decimal("199.00")


def test_an_unpublished_product_is_not_saved():
    member = UserFactory()
    product = ProductFactory(is_published=False)

    with pytest.raises(services.ProductUnavailable):
        services.favourite_add(member=member, product_id=product.pk)

    assert not Favourite.objects.exists()


def test_removing_forgets_only_that_members_favourite():
    favourite = FavouriteFactory()
    neighbour = FavouriteFactory(product=favourite.product)

    removed = services.favourite_remove(member=favourite.member, product_id=favourite.product_id)

    assert removed is True
    assert list(Favourite.objects.all()) == [neighbour]


def test_removing_what_is_not_saved_changes_nothing():
    favourite = FavouriteFactory()
    other_product = ProductFactory()

    removed = services.favourite_remove(member=favourite.member, product_id=other_product.pk)

    assert removed is False
    assert list(Favourite.objects.all()) == [favourite]


def test_toggle_adds_then_removes():
    member = UserFactory()
    product = ProductFactory()

    added = services.favourite_toggle(member=member, product_id=product.pk)
    saved = Favourite.objects.filter(member=member, product=product).exists()
    removed = services.favourite_toggle(member=member, product_id=product.pk)

    assert (added, saved, removed) == (True, True, False)
    assert not Favourite.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_members_double_click_saves_one_favourite():
    """Eight requests adding the same product at once: one row, no error."""
    member = UserFactory()
    product = ProductFactory()
    start = threading.Barrier(8)
    errors = []

    def add():
        try:
            start.wait()
            services.favourite_add(member=member, product_id=product.pk)
        except Exception as error:  # collected, the assertion below shows them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Favourite.objects.filter(member=member, product=product).count() == 1
