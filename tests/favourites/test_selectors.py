from decimal import Decimal

import pytest

from apps.catalog.services import product_refresh_summary
from apps.favourites import selectors
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.favourites.factories import FavouriteFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def card_of(member):
    [card] = selectors.member_favourites(member=member)
    return card


def test_a_lower_price_since_saving_is_marked_price_dropped():
    favourite = FavouriteFactory()
    SkuFactory(product=favourite.product, price=Decimal("149.00"))

    card = card_of(favourite.member)

    assert card.price_dropped is True
    assert (card.min_price, card.price_when_saved) == (Decimal("149.00"), Decimal("199.00"))


def test_a_higher_price_is_not_marked():
    favourite = FavouriteFactory()
    sku = favourite.product.skus.get()
    sku.price = Decimal("229.00")
    sku.save()
    product_refresh_summary(product=favourite.product)

    card = card_of(favourite.member)

    assert card.price_dropped is False
    assert card.min_price == Decimal("229.00")


def test_stock_arriving_after_saving_a_sold_out_product_is_marked_back_in_stock():
    product = ProductFactory(skus=[])
    sku = SkuFactory(product=product, stock=0)
    favourite = FavouriteFactory(product=product)
    assert favourite.in_stock_when_saved is False

    sku.stock = 12  # a delivery counted in, as the admin saves it
    sku.save()
    product_refresh_summary(product=product)
    card = card_of(favourite.member)

    assert (card.in_stock, card.back_in_stock) == (True, True)


def test_a_product_in_stock_all_along_is_not_marked_back_in_stock():
    favourite = FavouriteFactory()

    card = card_of(favourite.member)

    assert (card.in_stock, card.back_in_stock, card.price_dropped) == (True, False, False)


def test_a_product_taken_off_sale_stays_listed_without_a_link():
    favourite = FavouriteFactory()
    favourite.product.is_published = False
    favourite.product.save()

    card = card_of(favourite.member)

    assert (card.on_sale, card.url, card.in_stock) == (False, "", False)


def test_members_see_only_their_own_favourites_newest_first():
    member = UserFactory()
    older = FavouriteFactory(member=member)
    newer = FavouriteFactory(member=member)
    FavouriteFactory()

    cards = selectors.member_favourites(member=member)

    assert [card.id for card in cards] == [newer.product_id, older.product_id]


def test_favourite_ids_says_which_of_some_products_the_member_saved():
    member = UserFactory()
    saved = FavouriteFactory(member=member)
    not_saved = ProductFactory()
    FavouriteFactory(product=not_saved)  # someone else's

    ids = selectors.favourite_ids(member=member, product_ids=[saved.product_id, not_saved.pk])

    assert ids == {saved.product_id}


def test_cards_take_one_query_however_many_favourites(django_assert_num_queries):
    member = UserFactory()
    FavouriteFactory.create_batch(6, member=member)

    with django_assert_num_queries(1):
        cards = selectors.member_favourites(member=member)

    assert len(cards) == 6
