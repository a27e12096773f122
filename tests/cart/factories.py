import factory
from factory.django import DjangoModelFactory

from apps.cart.models import Cart, CartLine
from tests.catalog.factories import SkuFactory


class CartFactory(DjangoModelFactory):
    class Meta:
        model = Cart


class CartLineFactory(DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    sku = factory.SubFactory(SkuFactory)
    quantity = 1
    price_seen = factory.SelfAttribute("sku.price")
