import pytest
from django.urls import reverse

from apps.members.models import User
from tests.members.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_user_list_searches_by_phone(admin_client):
    UserFactory(email="found@example.com", phone="13700137000")
    UserFactory(email="other@example.com", phone="13900139000")

    response = admin_client.get(reverse("admin:members_user_changelist"), {"q": "13700137000"})

    assert [user.email for user in response.context["cl"].result_list] == ["found@example.com"]


def test_staff_add_a_user_with_email_and_password(admin_client):
    response = admin_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "New.Person@Example.com",
            "usable_password": "true",
            "password1": "a-long-admin-password-9",
            "password2": "a-long-admin-password-9",
        },
    )

    user = User.objects.get(email="new.person@example.com")
    assert response.status_code == 302
    assert user.check_password("a-long-admin-password-9")


def test_adding_a_user_with_an_existing_email_is_refused(admin_client):
    UserFactory(email="taken@example.com")

    response = admin_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "TAKEN@example.com",
            "usable_password": "true",
            "password1": "a-long-admin-password-9",
            "password2": "a-long-admin-password-9",
        },
    )

    assert response.status_code == 200
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_user_change_page_shows_the_address_book_read_only(admin_client):
    address = AddressFactory(is_default=True)

    response = admin_client.get(reverse("admin:members_user_change", args=[address.member.pk]))

    assert response.status_code == 200
    assert address.street in response.content.decode()


def test_addresses_are_read_only_for_staff(admin_client):
    address = AddressFactory(is_default=True)
    street_before = address.street

    listing = admin_client.get(reverse("admin:members_address_changelist"))
    add = admin_client.get(reverse("admin:members_address_add"))
    change = admin_client.post(
        reverse("admin:members_address_change", args=[address.pk]), {"street": "改了"}
    )

    address.refresh_from_db()
    assert listing.status_code == 200
    assert add.status_code == 403
    assert change.status_code == 403
    assert address.street == street_before
