import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.favourites.models import Favourite
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.favourites.factories import FavouriteFactory
from tests.members.factories import PASSWORD, UserFactory
from tests.text import visible_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def product():
    return ProductFactory(name_zh_hans="恒温电水壶")


def heart(response) -> str:
    """The heart button's opening tag (its pressed state and label follow it)."""
    page = response.content.decode()
    match = re.search(
        r'<button type="submit" class="[^"]*favourite-button"[^>]*>.*?</button>', page, re.S
    )
    assert match, page
    return match.group(0)


def pressed(response) -> bool:
    return 'aria-pressed="true"' in heart(response)


def test_member_adds_a_favourite_and_returns_to_the_product(member_client, member, product):
    response = member_client.post(
        reverse("favourites:add"), {"product": product.pk, "next": product.get_absolute_url()}
    )

    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert Favourite.objects.filter(member=member, product=product).count() == 1
    assert _("Saved in your favourites.") in visible_text(member_client.get(response["Location"]))


def test_adding_again_keeps_one_favourite(member_client, member, product):
    for _attempt in range(3):
        member_client.post(reverse("favourites:add"), {"product": product.pk})

    assert Favourite.objects.filter(member=member).count() == 1


def test_toggle_adds_then_removes(member_client, member, product):
    member_client.post(reverse("favourites:toggle"), {"product": product.pk})
    saved = Favourite.objects.filter(member=member, product=product).exists()
    member_client.post(reverse("favourites:toggle"), {"product": product.pk})

    assert saved is True
    assert not Favourite.objects.filter(member=member).exists()


def test_a_get_never_adds(member_client, member, product):
    response = member_client.get(reverse("favourites:add"), {"product": product.pk})

    assert response.status_code == 405
    assert not Favourite.objects.exists()


def test_a_post_without_the_form_token_is_refused(member, product):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("favourites:add"), {"product": product.pk})

    assert response.status_code == 403
    assert not Favourite.objects.exists()


def test_htmx_gets_the_heart_back_pressed_then_released(member_client, product):
    added = member_client.post(
        reverse("favourites:add"), {"product": product.pk, "next": "/x/"}, **HTMX
    )
    removed = member_client.post(
        reverse("favourites:remove"), {"product": product.pk, "next": "/x/"}, **HTMX
    )

    assert added.status_code == 200
    assert added.content.decode().lstrip().startswith('<form method="post"')
    assert "<html" not in added.content.decode()
    assert pressed(added) and _("Remove from favourites") in heart(added)
    assert f'action="{reverse("favourites:remove")}"' in added.content.decode()
    assert not pressed(removed) and _("Add to favourites") in heart(removed)
    assert f'action="{reverse("favourites:add")}"' in removed.content.decode()


def test_guest_logs_in_and_finds_the_product_saved(client, product):
    member = UserFactory()
    product_url = product.get_absolute_url()

    asked = client.post(reverse("favourites:add"), {"product": product.pk, "next": product_url})
    login_page = asked["Location"]
    logged_in = client.post(login_page, {"login": member.email, "password": PASSWORD})
    resumed = client.get(logged_in["Location"])

    assert login_page == f"{reverse('account_login')}?next=%2Ffavourites%2Fresume%2F"
    assert logged_in["Location"] == reverse("favourites:resume")
    assert resumed["Location"] == product_url
    assert Favourite.objects.filter(member=member, product=product).count() == 1


def test_guest_with_htmx_is_sent_to_log_in(client, product):
    response = client.post(reverse("favourites:add"), {"product": product.pk}, **HTMX)

    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Favourite.objects.exists()


def test_resume_without_a_waiting_product_adds_nothing(member_client):
    response = member_client.get(reverse("favourites:resume"))

    assert response["Location"] == reverse("favourites:list")
    assert not Favourite.objects.exists()


def test_favourites_page_needs_a_login(client):
    response = client.get(reverse("favourites:list"))

    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_never_sees_another_members_favourites(member_client, member):
    mine = FavouriteFactory(member=member, product=ProductFactory(name_zh_hans="我的电饭煲"))
    FavouriteFactory(product=ProductFactory(name_zh_hans="别人的炒锅"))

    page = visible_text(member_client.get(reverse("favourites:list")))

    assert mine.product.name in page
    assert "别人的炒锅" not in page


def test_removing_someone_elses_favourite_leaves_it_alone(member_client):
    theirs = FavouriteFactory()

    member_client.post(reverse("favourites:remove"), {"product": theirs.product_id})

    assert Favourite.objects.filter(pk=theirs.pk).exists()


def test_favourites_page_shows_price_stock_and_marks(member_client, member):
    cheaper = FavouriteFactory(member=member, product=ProductFactory(name_zh_hans="降价电水壶"))
    SkuFactory(product=cheaper.product, price=Decimal("159.00"))
    restocked = ProductFactory(name_zh_hans="到货炒锅", skus=[])
    sku = SkuFactory(product=restocked, stock=0)
    FavouriteFactory(member=member, product=restocked)
    sku.stock = 5
    sku.save()
    SkuFactory(product=restocked, stock=0)  # refreshes the product's summary

    page = visible_text(member_client.get(reverse("favourites:list")))

    assert "¥159.00" in page and "¥199.00" in page
    assert page.count(_("Price dropped")) == 1
    assert page.count(_("Back in stock")) == 1
    assert page.count(_("In stock")) == 2


def test_favourites_page_removes_with_a_button(member_client, member):
    favourite = FavouriteFactory(member=member)
    page = member_client.get(reverse("favourites:list")).content.decode()
    assert f'aria-label="{_("Remove from favourites")}"' in page

    response = member_client.post(
        reverse("favourites:remove"),
        {"product": favourite.product_id, "next": reverse("favourites:list")},
    )

    assert response["Location"] == reverse("favourites:list")
    assert not Favourite.objects.exists()


def test_empty_favourites_page_invites_browsing(member_client):
    response = member_client.get(reverse("favourites:list"))

    assert _("You have no favourites yet.") in visible_text(response)
    assert f'href="{reverse("catalog:product_list")}"' in response.content.decode()


def test_favourites_page_costs_the_same_queries_for_one_or_many(member_client, member):
    FavouriteFactory(member=member)
    member_client.get(reverse("favourites:list"))  # the session's first save is not the page's
    with CaptureQueriesContext(connection) as one:
        member_client.get(reverse("favourites:list"))
    FavouriteFactory.create_batch(12, member=member)
    with CaptureQueriesContext(connection) as many:
        member_client.get(reverse("favourites:list"))

    assert len(many) == len(one)
    assert len(one) == 2  # the count of favourites, the cards (the member's row is cached)


def test_dashboard_shows_the_latest_four_favourites(member_client, member):
    favourites = [
        FavouriteFactory(member=member, product=ProductFactory(name_zh_hans=f"收藏商品{n}"))
        for n in range(5)
    ]

    page = member_client.get(reverse("members:dashboard")).content.decode()

    shown = [f.product.name for f in favourites if f.product.name in page]
    assert shown == [f.product.name for f in favourites[1:]]
    assert f'href="{reverse("favourites:list")}"' in page


def test_dashboard_without_favourites_shows_the_empty_state(member_client):
    response = member_client.get(reverse("members:dashboard"))

    assert _("You have no favourites yet.") in visible_text(response)


def test_product_page_shows_a_members_favourite_filled(member_client, member, product):
    FavouriteFactory(member=member, product=product)

    response = member_client.get(product.get_absolute_url())

    assert pressed(response)
    assert _("Remove from favourites") in heart(response)


def test_product_page_heart_costs_a_member_one_query(member_client, member, product):
    FavouriteFactory(member=member, product=product)

    with CaptureQueriesContext(connection) as queries:
        member_client.get(product.get_absolute_url())

    assert sum("favourites_favourite" in query["sql"] for query in queries) == 1


def test_cached_anonymous_product_page_carries_no_members_favourite(member, product):
    FavouriteFactory(member=member, product=product)
    member_page = Client()
    member_page.force_login(member)
    assert pressed(member_page.get(product.get_absolute_url()))

    first = Client().get(product.get_absolute_url())
    again = Client().get(product.get_absolute_url())

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    for page in (first, again):
        assert not pressed(page)
        assert _("Add to favourites") in heart(page)
        assert member.email not in page.content.decode()


def test_cards_hearts_lead_to_a_page_that_posts(client, product):
    listing = client.get(reverse("catalog:product_list")).content.decode()
    confirm = client.get(
        reverse("favourites:confirm"),
        {"product": product.pk},
        HTTP_REFERER="http://testserver" + reverse("catalog:product_list"),
    )

    assert f'action="{reverse("favourites:confirm")}"' in listing
    assert f'name="product" value="{product.pk}"' in listing
    assert 'name="csrfmiddlewaretoken"' in confirm.content.decode()
    assert not pressed(confirm)
    assert (
        f'name="next" value="http://testserver{reverse("catalog:product_list")}"'
        in confirm.content.decode()
    )


def test_confirm_page_of_an_unpublished_product_is_not_found(client):
    product = ProductFactory(is_published=False)

    response = client.get(reverse("favourites:confirm"), {"product": product.pk})

    assert response.status_code == 404


# --- Guests: log in, come back, never to another site -------------------------------------


def _guest_logs_in_after_pressing_the_heart(client, product, next_page):
    """A guest's heart, the login it leads to, and the page the shop sends them to after."""
    member = UserFactory()
    asked = client.post(reverse("favourites:add"), {"product": product.pk, "next": next_page})
    logged_in = client.post(asked["Location"], {"login": member.email, "password": PASSWORD})
    resumed = client.get(logged_in["Location"])
    return member, resumed


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
    ],
)
def test_guest_is_never_sent_to_another_site_after_logging_in(client, product, next_page):
    member, resumed = _guest_logs_in_after_pressing_the_heart(client, product, next_page)

    assert resumed.status_code == 302
    assert resumed["Location"] == product.get_absolute_url()
    assert Favourite.objects.filter(member=member, product=product).count() == 1


def test_guest_without_a_next_page_returns_to_the_product(client, product):
    member, resumed = _guest_logs_in_after_pressing_the_heart(client, product, "")

    assert resumed["Location"] == product.get_absolute_url()
    assert Favourite.objects.filter(member=member, product=product).count() == 1


def test_guest_from_a_product_card_saves_it_and_returns_to_the_listing(client, product):
    listing = "http://testserver" + reverse("catalog:product_list")
    confirm = client.get(reverse("favourites:confirm"), {"product": product.pk, "next": listing})
    assert confirm.status_code == 200
    assert f'name="next" value="{listing}"' in confirm.content.decode()

    member, resumed = _guest_logs_in_after_pressing_the_heart(client, product, listing)

    assert resumed["Location"] == listing
    assert Favourite.objects.filter(member=member, product=product).count() == 1


def test_confirm_page_ignores_a_next_page_on_another_site(client, product):
    response = client.get(
        reverse("favourites:confirm"),
        {"product": product.pk, "next": "https://evil.example/"},
    )

    page = response.content.decode()
    assert 'value="https://evil.example/"' not in page
    assert 'href="https://evil.example/"' not in page
    assert f'name="next" value="{product.get_absolute_url()}"' in page


def test_guest_whose_product_was_withdrawn_meanwhile_is_told_and_saves_nothing(client, product):
    member = UserFactory()
    asked = client.post(reverse("favourites:add"), {"product": product.pk, "next": "/"})
    product.is_published = False
    product.save()
    logged_in = client.post(asked["Location"], {"login": member.email, "password": PASSWORD})

    resumed = client.get(logged_in["Location"], follow=True)

    assert _("This product is no longer on sale.") in visible_text(resumed)
    assert not Favourite.objects.exists()
