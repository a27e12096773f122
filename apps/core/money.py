"""Money helpers: every amount is a Decimal with two places, rounded half-up in one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Round to cents, half-up. Floats are refused: they cannot hold prices exactly."""
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, int or str, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str) -> Decimal | None:
    """Parse a user-typed amount ("19.9", " 20 "); None when it is not a non-negative number."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > Decimal("9999999999.99"):
        return None
    return money(value)


def format_cny(amount: Decimal, language: str) -> str:
    """Format a CNY amount for a language: ¥1,299.00 in zh_Hans and in English (shoppers of a
    Chinese shop expect ¥, not babel's English "CN¥"). Both languages group thousands with a
    comma and write cents after a point, so Python's own formatting gives babel's text
    (tests/core/test_money.py compares them) at a tenth of the cost: a listing formats
    dozens of prices."""
    value = money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"
