"""Prices read the same in both languages and match babel's formatting of each locale."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from apps.core.money import format_cny, money

LOCALES = {"zh-hans": "zh_Hans_CN", "en": "en_US"}


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("0"), "¥0.00"),
        (Decimal("19.9"), "¥19.90"),
        (Decimal("1299"), "¥1,299.00"),
        (Decimal("1234567.895"), "¥1,234,567.90"),
        (Decimal("-20"), "-¥20.00"),
    ],
)
@pytest.mark.parametrize("language", LOCALES)
def test_prices_are_written_with_yuan_sign_grouping_and_cents(amount, text, language):
    assert format_cny(amount, language) == text


@given(
    amount=st.decimals(
        min_value=Decimal("-9999999999.99"),
        max_value=Decimal("9999999999.99"),
        allow_nan=False,
        allow_infinity=False,
        places=3,
    ),
    language=st.sampled_from(sorted(LOCALES)),
)
def test_prices_match_babels_formatting_of_the_language(amount, language):
    value = money(amount)
    expected = format_decimal(abs(value), format="#,##0.00", locale=LOCALES[language])

    assert format_cny(amount, language) == ("-" if value < 0 else "") + "¥" + expected
