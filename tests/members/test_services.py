import re

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from apps.members import regions, services
from apps.members.demo import DEMO_PASSWORD, load_members
from apps.members.models import Address, User
from apps.members.validators import MOBILE_MESSAGE
from tests.members.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

SHENZHEN_NANSHAN = {"province_code": "440000", "city_code": "440300", "district_code": "440305"}
BEIJING_CHAOYANG = {"province_code": "110000", "city_code": "110100", "district_code": "110105"}


def new_address(member, **overrides) -> Address:
    values = {
        "recipient_name": "张三",
        "mobile": "13800138000",
        "street": "科技园路 1 号",
        "postal_code": "518057",
        **SHENZHEN_NANSHAN,
        **overrides,
    }
    return services.address_create(member=member, **values)


def address_fields(address: Address, **overrides) -> dict:
    values = {
        "recipient_name": address.recipient_name,
        "mobile": address.mobile,
        "province_code": address.province_code,
        "city_code": address.city_code,
        "district_code": address.district_code,
        "street": address.street,
        "postal_code": address.postal_code,
    }
    return {**values, **overrides}


def default_ids(member) -> list[int]:
    return list(Address.objects.filter(member=member, is_default=True).values_list("pk", flat=True))


def test_first_address_becomes_the_default_even_when_not_asked():
    member = UserFactory()

    address = new_address(member, is_default=False)

    assert default_ids(member) == [address.pk]


def test_a_second_address_is_not_the_default_unless_asked():
    member = UserFactory()
    first = new_address(member)

    new_address(member, street="南山大道 2 号")

    assert default_ids(member) == [first.pk]


def test_a_new_address_asked_to_be_default_takes_over_the_default():
    member = UserFactory()
    new_address(member)

    second = new_address(member, street="南山大道 2 号", is_default=True)

    assert default_ids(member) == [second.pk]


def test_set_default_moves_the_default_to_the_chosen_address():
    member = UserFactory()
    new_address(member)
    second = new_address(member, street="南山大道 2 号")

    services.address_set_default(address=second)

    assert default_ids(member) == [second.pk]


def test_set_default_leaves_other_members_defaults_alone():
    member, other = UserFactory(), UserFactory()
    others_default = new_address(other)
    new_address(member)
    second = new_address(member, street="南山大道 2 号")

    services.address_set_default(address=second)

    assert default_ids(other) == [others_default.pk]


def test_deleting_the_default_promotes_the_most_recently_added_other_address():
    member = UserFactory()
    default = new_address(member)
    new_address(member, street="旧地址 1 号")
    newest = new_address(member, street="新地址 2 号")

    promoted = services.address_delete(address=default)

    assert promoted == newest
    assert default_ids(member) == [newest.pk]
    assert not Address.objects.filter(pk=default.pk).exists()


def test_deleting_an_ordinary_address_keeps_the_default():
    member = UserFactory()
    default = new_address(member)
    other = new_address(member, street="南山大道 2 号")

    promoted = services.address_delete(address=other)

    assert promoted is None
    assert default_ids(member) == [default.pk]


def test_deleting_the_only_address_leaves_an_empty_book():
    member = UserFactory()
    only = new_address(member)

    services.address_delete(address=only)

    assert not Address.objects.filter(member=member).exists()


def test_update_without_is_default_keeps_the_default_address_default():
    member = UserFactory()
    default = new_address(member)

    services.address_update(
        address=default, **address_fields(default, street="新街 9 号"), is_default=False
    )

    default.refresh_from_db()
    assert (default.street, default.is_default) == ("新街 9 号", True)


def test_update_can_make_an_address_the_default():
    member = UserFactory()
    new_address(member)
    second = new_address(member, street="南山大道 2 号")

    services.address_update(address=second, **address_fields(second), is_default=True)

    assert default_ids(member) == [second.pk]


def test_update_moves_the_address_to_another_region_with_its_names():
    address = new_address(UserFactory())

    services.address_update(address=address, **address_fields(address, **BEIJING_CHAOYANG))

    address.refresh_from_db()
    assert (address.province_name, address.city_name, address.district_name) == (
        "北京市",
        "市辖区",
        "朝阳区",
    )
    assert address.region_name == "北京市朝阳区"


def test_region_names_are_taken_from_the_codes():
    address = new_address(UserFactory())

    assert (address.province_name, address.city_name, address.district_name) == (
        "广东省",
        "深圳市",
        "南山区",
    )
    assert address.region_name == "广东省深圳市南山区"


def test_a_city_outside_the_province_is_refused_and_nothing_is_saved():
    member = UserFactory()

    with pytest.raises(services.AddressError):
        new_address(member, province_code="110000", city_code="440300", district_code="440305")

    assert not Address.objects.filter(member=member).exists()


def test_a_district_outside_the_city_is_refused_and_the_address_is_unchanged():
    address = new_address(UserFactory())

    with pytest.raises(services.AddressError):
        services.address_update(address=address, **address_fields(address, district_code="440106"))

    address.refresh_from_db()
    assert address.district_code == "440305"


def test_an_invalid_mobile_number_is_refused_and_nothing_is_saved():
    member = UserFactory()

    with pytest.raises(services.AddressError, match=re.escape(str(MOBILE_MESSAGE)[:10])):
        new_address(member, mobile="12345")

    assert not Address.objects.filter(member=member).exists()


def test_mobile_number_is_stored_as_eleven_digits():
    address = new_address(UserFactory(), mobile="+86 138-0013-8000")

    assert address.mobile == "13800138000"


def test_the_database_refuses_a_second_default_address_for_one_member():
    member = UserFactory()
    AddressFactory(member=member, is_default=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(member=member, is_default=True)

    assert len(default_ids(member)) == 1


def test_profile_update_saves_names_and_mobile():
    member = UserFactory(first_name="", last_name="")

    services.member_profile_update(
        member=member, first_name=" 伟 ", last_name="张", phone="139 0013 9000"
    )

    member.refresh_from_db()
    assert (member.last_name, member.first_name, member.phone) == ("张", "伟", "13900139000")


def test_profile_update_refuses_a_bad_mobile_and_changes_nothing():
    member = UserFactory(first_name="伟", last_name="张", phone="13900139000")

    with pytest.raises(services.MemberError):
        services.member_profile_update(
            member=member, first_name="新", last_name="名", phone="23900139000"
        )

    member.refresh_from_db()
    assert (member.last_name, member.first_name, member.phone) == ("张", "伟", "13900139000")


def test_regions_list_each_level_with_gb_2260_codes():
    assert ("440000", "广东省") in regions.provinces()
    assert ("440300", "深圳市") in regions.cities("440000")
    assert ("440305", "南山区") in regions.districts("440300")
    assert regions.name_of("440305") == "南山区"
    assert regions.parent_of("440305") == "440300"


def test_regions_give_nothing_below_an_unknown_or_wrong_level_code():
    assert regions.cities("440300") == []
    assert regions.districts("440000") == []
    assert regions.cities("999999") == []
    assert regions.children_of("440305") is None
    assert regions.name_of("nope") == ""


def test_region_chain_is_valid_only_when_each_level_contains_the_next():
    assert regions.is_valid_chain("440000", "440300", "440305")
    assert not regions.is_valid_chain("110000", "440300", "440305")
    assert not regions.is_valid_chain("440000", "440100", "440305")
    assert not regions.is_valid_chain("440000", "440300", "")


def test_demo_members_can_log_in_and_have_verified_email_and_addresses():
    load_members()

    member = User.objects.get(email="member1@example.com")
    assert member.check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.filter(user=member, verified=True, primary=True).count() == 1
    assert len(default_ids(member)) == 1
    assert User.objects.filter(email__endswith="@example.com").count() == 3


def test_loading_demo_members_twice_creates_nothing_new():
    load_members()
    counts = (User.objects.count(), EmailAddress.objects.count(), Address.objects.count())

    load_members()

    assert (User.objects.count(), EmailAddress.objects.count(), Address.objects.count()) == counts


def test_chinese_names_are_written_family_name_first_without_a_space():
    member = UserFactory.build(first_name="伟", last_name="张")

    assert member.get_full_name() == "张伟"


def test_latin_names_are_written_given_name_first():
    member = UserFactory.build(first_name="Wei", last_name="Zhang")

    assert member.get_full_name() == "Wei Zhang"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_addresses_leave_exactly_one_default():
    import threading

    from django.db import connection

    member = UserFactory()
    barrier = threading.Barrier(4)
    failures = []

    def add(street):
        try:
            barrier.wait()
            new_address(member, street=street)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(f"{n} 号",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Address.objects.filter(member=member).count() == 4
    assert len(default_ids(member)) == 1


def test_an_address_beyond_the_limit_is_refused_and_nothing_is_saved(monkeypatch):
    monkeypatch.setattr(services, "MAX_ADDRESSES_PER_MEMBER", 2)
    member = UserFactory()
    new_address(member)
    new_address(member, street="南山大道 2 号")

    with pytest.raises(services.AddressError, match="2"):
        new_address(member, street="第三个 3 号")

    assert Address.objects.filter(member=member).count() == 2
