from decimal import Decimal

import pytest

from apps.payments.gateways.base import (
    amount_from_fen,
    amount_from_text,
    amount_in_fen,
    amount_text,
)


def test_outgoing_amount_is_an_exact_two_decimal_string():
    assert amount_text(Decimal("459")) == "459.00"
    assert amount_text(Decimal("19.9")) == "19.90"


@pytest.mark.parametrize("amount", [Decimal("459.001"), Decimal("0"), Decimal("-1.00")])
def test_outgoing_amount_that_is_not_whole_fen_or_not_positive_is_refused(amount):
    with pytest.raises(ValueError):
        amount_text(amount)


def test_outgoing_float_is_refused():
    with pytest.raises(ValueError, match="Decimal"):
        amount_text(459.0)


def test_outgoing_amount_in_fen_is_an_integer():
    assert amount_in_fen(Decimal("459.00")) == 45900
    assert amount_in_fen(Decimal("0.01")) == 1


def test_incoming_fen_become_exact_yuan():
    assert amount_from_fen(45900) == Decimal("459.00")
    assert str(amount_from_fen(45900)) == "459.00"
    assert str(amount_from_fen(1)) == "0.01"


@pytest.mark.parametrize("fen", [45900.0, "45900", True, None])
def test_incoming_fen_that_are_not_an_integer_are_refused(fen):
    with pytest.raises(ValueError):
        amount_from_fen(fen)


def test_incoming_amount_text_is_never_rounded():
    assert str(amount_from_text("459.001")) == "459.001"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "", "45 9", None])
def test_incoming_amount_text_that_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        amount_from_text(text)
