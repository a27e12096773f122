import factory
from factory.django import DjangoModelFactory

from apps.favourites.models import Favourite
from tests.catalog.factories import ProductFactory
from tests.members.factories import UserFactory


class FavouriteFactory(DjangoModelFactory):
    """A member's favourite, saved at the product's current lowest price and stock."""

    class Meta:
        model = Favourite

    member = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    price_when_saved = factory.LazyAttribute(lambda favourite: favourite.product.min_price)
    in_stock_when_saved = factory.LazyAttribute(lambda favourite: favourite.product.total_stock > 0)
