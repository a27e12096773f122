from django.conf import settings


def shop(request):
    """Values every page template needs: the shop's name and the compare tray size."""
    compare_ids = request.session.get("compare", []) if hasattr(request, "session") else []
    return {
        "SHOP_NAME": settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY,
        "compare_count": len(compare_ids),
    }
