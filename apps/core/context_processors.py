from django.conf import settings


def shop(request):
    """Values every page needs, read from the session only (no query): shop name, compare and
    cart counts, and the promises shown in the footer."""
    session = getattr(request, "session", {})
    return {
        "SHOP_NAME": settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY,
        "compare_count": len(session.get("compare", [])),
        "cart_count": session.get("cart_count", 0),
        "FREE_SHIPPING_FROM": settings.SHOP_FREE_SHIPPING_THRESHOLD,
        "RETURN_DAYS": settings.SHOP_RETURN_DAYS,
    }
