"""The staff roles, defined here and nowhere else. Each is a Django group holding exactly the
permissions listed (apps.staff.services.roles_sync keeps the groups in step after every
migrate).

A permission is written "app_label.codename". Shell-style wildcards are allowed, for apps
whose models arrive later: "promotions.*" is every permission of the promotions app,
"stats.view_*" every view permission of stats, "*.change_banner" the change permission of a
banner model in whichever app holds it, and "*" alone is every permission. Names that match
nothing yet are skipped, and picked up by the first migrate after their model exists.

SUPERUSER_ONLY lists permissions no role ever holds, whatever its patterns say ("*"
included): they are left to superusers.
"""

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(NamedTuple):
    name: str | Promise
    permissions: list[str]


def _manage(app_label: str, model_name: str, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model_name}" for action in actions]


# Periodic tasks run code on the workers on a schedule: creating, editing or deleting one
# is for a superuser (seeing them stays with whoever holds the view permission).
SUPERUSER_ONLY = [
    "django_celery_beat.add_*",
    "django_celery_beat.change_*",
    "django_celery_beat.delete_*",
]

CATALOG_BROWSE = ["catalog.view_series", "catalog.view_category", "catalog.view_product"]

ROLES: dict[str, Role] = {
    "store_manager": Role(_("Store manager"), ["*"]),
    "store_assistant": Role(
        _("Store assistant"),
        [
            *CATALOG_BROWSE,
            "catalog.add_product",
            "catalog.change_product",
            "catalog.publish_product",
            *_manage("catalog", "sku", ("add", "change", "view")),
            "catalog.change_sku_price",
            *_manage("catalog", "productimage"),
            *_manage("catalog", "productspec"),
            # Daily figures, once the stats app exists.
            "stats.view_*",
        ],
    ),
    "promotion_specialist": Role(
        _("Promotion specialist"),
        [
            *CATALOG_BROWSE,
            "catalog.view_sku",
            # Offers, coupons, flash sales, group buys and campaigns; email campaigns; figures.
            "promotions.*",
            "mailing.*",
            "stats.view_*",
            # Customer segments: read and export (defining them is the store manager's).
            "segments.view_segment",
            "segments.export_segment",
            # VIP tiers and their history: read (tiers and rates are the store manager's).
            "members.view_tier",
            "members.view_tierevent",
            # Paid membership plans and who holds one: read (plans are the store manager's).
            "members.view_membershipplan",
            "members.view_membership",
        ],
    ),
    "designer": Role(
        _("Designer"),
        [
            *CATALOG_BROWSE,
            *_manage("catalog", "productimage"),
            *_manage("community", "helppage", ("add", "change", "view")),
            # Banners, in whichever app they come to live.
            "*.add_banner",
            "*.change_banner",
            "*.delete_banner",
            "*.view_banner",
        ],
    ),
    "presales_service": Role(
        _("Pre-sales service"),
        [
            *CATALOG_BROWSE,
            "catalog.change_product",
            "catalog.view_sku",
            "catalog.view_productimage",
            "catalog.view_productspec",
            "orders.view_order",
            "orders.view_orderline",
            "orders.view_orderevent",
            # Questions about pickup points and member prices.
            "orders.view_pickuppoint",
            "members.view_tier",
            # Replies on the guestbook and under reviews.
            "community.view_guestbook*",
            "community.change_guestbook*",
            "community.view_review*",
            "community.change_review*",
        ],
    ),
    "aftersales_service": Role(
        _("After-sales service"),
        [
            *CATALOG_BROWSE,
            "catalog.view_sku",
            "orders.view_order",
            "orders.change_order",
            "orders.refund_order",
            "orders.view_orderline",
            "orders.view_orderevent",
            "payments.view_payment",
            "payments.view_refund",
            # Returns, exchanges and complaints; low ratings reach after-sales.
            "aftersales.add_return*",
            "aftersales.change_return*",
            "aftersales.view_return*",
            "aftersales.add_exchange*",
            "aftersales.change_exchange*",
            "aftersales.view_exchange*",
            "community.add_complaint*",
            "community.change_complaint*",
            "community.view_complaint*",
            "community.view_review*",
            "community.change_review*",
            # Members' points: the ledger, balances, and goodwill adjustments with a reason.
            "points.view_pointsentry",
            "points.view_pointsaccount",
            "points.adjust_points",
        ],
    ),
    "warehouse": Role(
        _("Warehouse"),
        [
            "catalog.view_product",
            "catalog.view_sku",
            # Stock only: without catalog.change_sku_price every other SKU field is read-only.
            "catalog.change_sku",
            "orders.view_order",
            "orders.view_orderline",
            "orders.view_orderevent",
            "orders.ship_order",
            # Where pickup orders are collected.
            "orders.view_pickuppoint",
        ],
    ),
    "editor": Role(
        _("Editor"),
        [
            *_manage("community", "helppage"),
            # Guestbook moderation: hide, delete, reply.
            "community.*guestbook*",
        ],
    ),
}


def role_name(key: str) -> str:
    """The display name of a role key, or the key itself for a group no longer defined."""
    role = ROLES.get(key)
    return str(role.name) if role else key
