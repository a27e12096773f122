import pytest
from django.http import QueryDict
from django.utils import translation

from apps.members.forms import AddressForm, RegionFieldsForm


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


VALID = {
    "recipient_name": "张三",
    "mobile": "13800138000",
    "province": "440000",
    "city": "440300",
    "district": "440305",
    "street": "科技园路 1 号",
    "postal_code": "518057",
}


def test_valid_address_form_gives_service_arguments():
    form = AddressForm(VALID)

    assert form.is_valid(), form.errors
    assert form.address_fields()["district_code"] == "440305"


def test_a_city_outside_the_chosen_province_is_a_form_error_on_city():
    form = AddressForm({**VALID, "province": "110000"})

    assert not form.is_valid()
    assert form.errors["city"] == ["Choose a city of the chosen province."]


def test_a_district_outside_the_chosen_city_is_a_form_error_on_district():
    form = AddressForm({**VALID, "district": "440106"})

    assert not form.is_valid()
    assert form.errors["district"] == ["Choose a district of the chosen city."]


def test_an_invalid_mobile_number_gives_a_clear_error():
    form = AddressForm({**VALID, "mobile": "1380013800"})

    assert not form.is_valid()
    assert form.errors["mobile"] == [
        "Enter an 11-digit mainland China mobile number starting with 13 to 19, e.g. 13800138000."
    ]


def test_bound_form_lists_the_cities_and_districts_of_the_submitted_choices():
    form = AddressForm(VALID)

    assert ("440300", "深圳市 Shenzhen") in form.fields["city"].choices
    assert ("440305", "南山区 Nanshan District") in form.fields["district"].choices


def test_refresh_form_drops_a_city_from_the_previous_province_and_shows_no_errors():
    data = QueryDict(mutable=True)
    data.update({**VALID, "province": "110000", "refresh": "1"})

    form = AddressForm.for_refresh(data)

    assert not form.is_bound
    assert form["city"].value() == "110100"  # the only city of 北京市 is chosen for the shopper
    assert ("110105", "朝阳区 Chaoyang District") in form.fields["district"].choices
    assert form["district"].value() == ""
    assert form["street"].value() == "科技园路 1 号"


def test_optional_region_fields_accept_no_region_but_refuse_half_a_region():
    class OptionalRegionForm(RegionFieldsForm):
        regions_required = False

    assert OptionalRegionForm({}).is_valid()
    half = OptionalRegionForm({"province": "440000"})
    assert not half.is_valid()
    assert "district" in half.errors
