"""Province, city and district names on English pages carry their pinyin beside the Chinese;
what is saved, and what couriers read, stays Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.members import regions
from apps.members.forms import AddressForm
from apps.members.models import Address
from tests.members.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

GUANGDONG, SHENZHEN, NANSHAN = "440000", "440300", "440305"
ADDRESS_POST = {
    "recipient_name": "张三",
    "mobile": "138 0013 8000",
    "province": GUANGDONG,
    "city": SHENZHEN,
    "district": NANSHAN,
    "street": "科技园路 1 号",
    "postal_code": "518057",
}


def url_in(language: str, name: str) -> str:
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def member_client(client):
    client.force_login(UserFactory())
    return client


def test_english_region_list_shows_pinyin_beside_the_chinese_name(client):
    response = client.get(url_in("en", "members:regions"), {"parent": GUANGDONG})

    shenzhen = next(city for city in response.json() if city["code"] == SHENZHEN)
    assert shenzhen == {"code": SHENZHEN, "name": "深圳市", "label": "深圳市 Shenzhen"}


def test_chinese_region_list_shows_the_chinese_name_only(client):
    response = client.get(url_in("zh-hans", "members:regions"))

    guangdong = next(row for row in response.json() if row["code"] == GUANGDONG)
    assert guangdong["label"] == "广东省"


def test_english_address_form_lists_provinces_and_districts_with_pinyin():
    with translation.override("en"):
        form = AddressForm(initial={"province": GUANGDONG, "city": SHENZHEN})
        provinces = dict(form.fields["province"].choices)
        districts = dict(form.fields["district"].choices)

    assert provinces[GUANGDONG] == "广东省 Guangdong"
    assert districts[NANSHAN] == "南山区 Nanshan District"


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("西安市", "Xi'an"),
        ("陕西省", "Shaanxi"),
        ("山西省", "Shanxi"),
        ("内蒙古自治区", "Inner Mongolia"),
        ("长沙市", "Changsha"),
        ("朝阳区", "Chaoyang District"),
        ("吕梁市", "Lüliang"),
        ("延边朝鲜族自治州", "Yanbian Prefecture"),
        ("阿拉善盟", "Alashan League"),
        ("市辖区", "City districts"),
    ],
)
def test_region_names_read_as_english_readers_write_them(chinese, english):
    assert regions.english_name(chinese) == english


def test_address_saved_from_an_english_page_keeps_the_chinese_names(member_client):
    member_client.post(url_in("en", "members:address_create"), ADDRESS_POST)

    address = Address.objects.get()
    assert (address.province_name, address.city_name, address.district_name) == (
        "广东省",
        "深圳市",
        "南山区",
    )
    assert address.region_name == "广东省深圳市南山区"


def test_english_address_list_reads_the_region_in_english_after_the_chinese():
    address = AddressFactory(province_name="广东省", city_name="深圳市", district_name="南山区")

    with translation.override("en"):
        english = address.region_label
    with translation.override("zh-hans"):
        chinese = address.region_label

    assert english == "广东省深圳市南山区 (Nanshan District, Shenzhen, Guangdong)"
    assert chinese == "广东省深圳市南山区"
