import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from apps.members import services
from apps.members.models import Address
from tests.members.factories import PASSWORD, AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"
ADDRESS_POST = {
    "recipient_name": "张三",
    "mobile": "138 0013 8000",
    "province": "440000",
    "city": "440300",
    "district": "440305",
    "street": "科技园路 1 号",
    "postal_code": "518057",
}


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def path_in_mail(message, marker: str) -> str:
    """The path of the link in an email whose URL contains `marker`."""
    match = re.search(rf"https?://[^/\s]+(/\S*{marker}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email="new@example.com"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def strangers_address():
    """Another member's default address."""
    return AddressFactory(is_default=True, street="别人的地址 1 号")


# --- Accounts (allauth) in the shop's own pages ------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_account_pages_render_in_the_shop_layout(client, language, name):
    response = client.get(url_in(language, name))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header' in page
    assert "css/shop.css" in page
    assert f'<html lang="{"zh-Hans" if language == "zh-hans" else "en"}"' in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["account_logout", "account_change_password", "account_email"])
def test_account_management_pages_render_for_a_member(member_client, language, name):
    response = member_client.get(url_in(language, name))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header' in page
    assert url_in(language, "members:dashboard") in page


def test_english_login_page_is_in_english(client):
    response = client.get(url_in("en", "account_login"))

    assert "Log in" in response.content.decode()  # the header's words, not allauth's "Sign In"


def test_chinese_login_page_is_in_chinese(client):
    response = client.get(url_in("zh-hans", "account_login"))

    assert "登录" in response.content.decode()


def test_signup_sends_a_verification_email_and_does_not_log_in(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [message.to for message in mailoutbox] == [["new@example.com"]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    assert not logged_in(client)


def test_login_before_verifying_the_email_is_refused(client, mailoutbox):
    sign_up(client)

    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not logged_in(client)
    assert not EmailAddress.objects.filter(email="new@example.com", verified=True).exists()


def test_confirming_the_email_then_logging_in_lands_on_the_member_centre(client, mailoutbox):
    sign_up(client)
    confirm_path = path_in_mail(mailoutbox[0], "confirm-email")

    confirm_page = client.get(confirm_path)
    confirmed = client.post(confirm_path)
    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": PASSWORD}
    )

    assert confirm_page.status_code == 200
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert response["Location"] == reverse("members:dashboard")
    assert logged_in(client)


def test_confirming_the_email_in_the_same_browser_signs_the_new_member_in(client, mailoutbox):
    sign_up(client)
    confirm_path = path_in_mail(mailoutbox[0], "confirm-email")

    confirmed = client.post(confirm_path)

    assert confirmed.status_code == 302
    assert logged_in(client)
    assert client.get(confirmed["Location"], follow=True).status_code == 200


def test_login_with_a_wrong_password_is_refused(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "nope"})

    assert response.status_code == 200
    assert not logged_in(client)


def test_login_next_pointing_to_another_site_is_ignored(client, member):
    response = client.post(
        reverse("account_login") + "?next=https://evil.example/",
        {"login": member.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("members:dashboard")


def test_login_next_pointing_to_a_shop_page_is_followed(client, member):
    target = reverse("members:address_list")

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD, "next": target}
    )

    assert response["Location"] == target


def test_password_reset_link_lets_the_member_choose_a_new_password(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": member.email})
    key_path = path_in_mail(mailoutbox[0], "password/reset/key")

    form_page = client.get(key_path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    done_page = client.get(response["Location"])

    member.refresh_from_db()
    assert form_page.status_code == 200
    assert done_page.status_code == 200
    assert member.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_gives_no_reset_link_and_looks_the_same(
    client, mailoutbox
):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("account_reset_password_done")
    assert all("password/reset/key" not in message.body for message in mailoutbox)


# --- Member centre pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["members:dashboard", "members:profile", "members:address_list", "members:address_create"],
)
def test_member_centre_needs_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "name",
    ["members:dashboard", "members:profile", "members:address_list", "members:address_create"],
)
def test_member_centre_pages_render_in_both_languages(member_client, member, language, name):
    AddressFactory(member=member, is_default=True)

    response = member_client.get(url_in(language, name))

    assert response.status_code == 200
    assert url_in(language, "catalog:home") in response.content.decode()


def test_dashboard_shows_empty_orders_and_favourites(member_client):
    response = member_client.get(url_in("en", "members:dashboard"))

    page = response.content.decode()
    assert "You have no orders yet." in page
    assert "You have no favourites yet." in page


def test_dashboard_links_to_profile_addresses_and_orders(member_client):
    response = member_client.get(url_in("en", "members:dashboard"))

    page = response.content.decode()
    for name in ("members:profile", "members:address_list", "orders:mine"):
        assert f'href="{url_in("en", name)}"' in page


def test_profile_form_saves_name_and_mobile(member_client, member):
    response = member_client.post(
        reverse("members:profile"), {"last_name": "张", "first_name": "伟", "phone": "13900139000"}
    )

    member.refresh_from_db()
    assert response["Location"] == reverse("members:profile")
    assert (member.last_name, member.first_name, member.phone) == ("张", "伟", "13900139000")


def test_profile_with_an_invalid_mobile_shows_why_and_changes_nothing(member_client, member):
    before = (member.last_name, member.first_name, member.phone)

    response = member_client.post(
        url_in("en", "members:profile"), {"last_name": "X", "first_name": "Y", "phone": "1234"}
    )

    member.refresh_from_db()
    assert response.status_code == 200
    assert "Enter an 11-digit mainland China mobile number" in response.content.decode()
    assert (member.last_name, member.first_name, member.phone) == before


# --- Address book --------------------------------------------------------------------------


def test_member_adds_an_address_and_it_becomes_the_default(member_client, member):
    response = member_client.post(reverse("members:address_create"), ADDRESS_POST)

    address = Address.objects.get(member=member)
    assert response["Location"] == reverse("members:address_list")
    assert (address.mobile, address.district_name, address.is_default) == (
        "13800138000",
        "南山区",
        True,
    )


def test_address_form_with_an_invalid_mobile_shows_why_and_saves_nothing(member_client, member):
    response = member_client.post(
        url_in("en", "members:address_create"), {**ADDRESS_POST, "mobile": "02012345678"}
    )

    assert response.status_code == 200
    assert "Enter an 11-digit mainland China mobile number" in response.content.decode()
    assert not Address.objects.filter(member=member).exists()


def test_address_form_refuses_a_city_outside_the_province_and_saves_nothing(member_client, member):
    response = member_client.post(
        url_in("en", "members:address_create"), {**ADDRESS_POST, "province": "110000"}
    )

    assert response.status_code == 200
    assert "Choose a city of the chosen province." in response.content.decode()
    assert not Address.objects.filter(member=member).exists()


def test_update_choices_button_lists_the_provinces_cities_without_saving(member_client, member):
    response = member_client.post(
        url_in("en", "members:address_create"),
        {"recipient_name": "张三", "province": "440000", "refresh": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="440300">深圳市 Shenzhen</option>' in page
    assert 'value="张三"' in page
    assert 'role="alert"' not in page
    assert not Address.objects.filter(member=member).exists()


def test_address_form_page_offers_the_refresh_button_and_the_cascade_script(member_client):
    response = member_client.get(reverse("members:address_create"))

    page = response.content.decode()
    assert 'name="refresh"' in page
    assert "js/region-cascade.js" in page
    assert "<script>" not in page


def test_member_edits_own_address(member_client, member):
    address = AddressFactory(member=member, is_default=True)

    response = member_client.post(
        reverse("members:address_update", args=[address.pk]),
        {**ADDRESS_POST, "street": "新街 9 号"},
    )

    address.refresh_from_db()
    assert response["Location"] == reverse("members:address_list")
    assert address.street == "新街 9 号"


def test_member_deletes_own_address_after_confirming(member_client, member):
    address = AddressFactory(member=member, is_default=True)
    url = reverse("members:address_delete", args=[address.pk])

    confirm = member_client.get(url)
    response = member_client.post(url)

    assert confirm.status_code == 200
    assert response["Location"] == reverse("members:address_list")
    assert not Address.objects.filter(pk=address.pk).exists()


def test_member_makes_another_address_the_default(member_client, member):
    first = AddressFactory(member=member, is_default=True)
    second = AddressFactory(member=member)

    member_client.post(reverse("members:address_set_default", args=[second.pk]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_address_list_shows_only_the_members_own_addresses(
    member_client, member, strangers_address
):
    own = AddressFactory(member=member, is_default=True)

    response = member_client.get(reverse("members:address_list"))

    assert list(response.context["addresses"]) == [own]
    assert strangers_address.street not in response.content.decode()


def test_another_members_address_cannot_be_opened_for_editing(member_client, strangers_address):
    response = member_client.get(reverse("members:address_update", args=[strangers_address.pk]))

    assert response.status_code == 404


def test_another_members_address_cannot_be_changed(member_client, strangers_address):
    response = member_client.post(
        reverse("members:address_update", args=[strangers_address.pk]),
        {**ADDRESS_POST, "street": "被改了"},
    )

    strangers_address.refresh_from_db()
    assert response.status_code == 404
    assert strangers_address.street == "别人的地址 1 号"


def test_another_members_address_cannot_be_deleted(member_client, strangers_address):
    response = member_client.post(reverse("members:address_delete", args=[strangers_address.pk]))

    assert response.status_code == 404
    assert Address.objects.filter(pk=strangers_address.pk).exists()


def test_another_members_address_cannot_be_made_default(member_client, member, strangers_address):
    own = AddressFactory(member=member, is_default=True)
    ordinary = AddressFactory(member=strangers_address.member)

    response = member_client.post(reverse("members:address_set_default", args=[ordinary.pk]))

    strangers_address.refresh_from_db()
    ordinary.refresh_from_db()
    own.refresh_from_db()
    assert response.status_code == 404
    assert (strangers_address.is_default, ordinary.is_default, own.is_default) == (
        True,
        False,
        True,
    )


def test_setting_the_default_needs_a_post(member_client, member):
    address = AddressFactory(member=member)

    response = member_client.get(reverse("members:address_set_default", args=[address.pk]))

    address.refresh_from_db()
    assert response.status_code == 405
    assert not address.is_default


def test_address_list_query_count_does_not_grow_with_the_book(
    member_client, member, django_assert_max_num_queries
):
    AddressFactory.create_batch(12, member=member)

    # session, member, addresses
    with django_assert_max_num_queries(3):
        response = member_client.get(reverse("members:address_list"))

    assert response.status_code == 200
    assert len(response.context["addresses"]) == 12


def test_dashboard_needs_seven_queries(member_client, django_assert_max_num_queries):
    # session, member, recent orders, latest favourites, 12-month spend, paid memberships,
    # and the VIP tiers (kept after that)
    with django_assert_max_num_queries(7):
        response = member_client.get(reverse("members:dashboard"))

    assert response.status_code == 200


def test_recipient_names_are_escaped_on_the_address_list(member_client, member):
    AddressFactory(member=member, recipient_name="<script>alert(1)</script>")

    response = member_client.get(reverse("members:address_list"))

    assert "<script>alert(1)</script>" not in response.content.decode()


# --- Regions JSON for the cascade ----------------------------------------------------------


def test_regions_endpoint_lists_the_provinces_without_a_parent(client):
    response = client.get(reverse("members:regions"))

    assert response.status_code == 200
    assert {"code": "440000", "name": "广东省", "label": "广东省"} in response.json()
    assert len(response.json()) == 31


def test_regions_endpoint_lists_the_cities_of_a_province(client):
    response = client.get(reverse("members:regions"), {"parent": "440000"})

    assert {"code": "440300", "name": "深圳市", "label": "深圳市"} in response.json()


def test_regions_endpoint_lists_the_districts_of_a_city(client):
    response = client.get(reverse("members:regions"), {"parent": "440300"})

    assert {"code": "440305", "name": "南山区", "label": "南山区"} in (response.json())
    assert all(item["code"].startswith("4403") for item in response.json())


@pytest.mark.parametrize("parent", ["999999", "440305", "abc", "<script>"])
def test_regions_endpoint_answers_404_for_a_code_with_nothing_below(client, parent):
    response = client.get(reverse("members:regions"), {"parent": parent})

    assert response.status_code == 404


def test_regions_endpoint_may_be_cached_by_browsers(client):
    response = client.get(reverse("members:regions"), {"parent": "440000"})

    assert "max-age=86400" in response["Cache-Control"]


def test_address_beyond_the_limit_shows_why_and_saves_nothing(member_client, member, monkeypatch):
    monkeypatch.setattr(services, "MAX_ADDRESSES_PER_MEMBER", 1)
    AddressFactory(member=member, is_default=True)

    response = member_client.post(url_in("en", "members:address_create"), ADDRESS_POST)

    assert response.status_code == 200
    assert "You can keep up to 1 addresses" in response.content.decode()
    assert Address.objects.filter(member=member).count() == 1
