"""A saved or deleted campaign, offer or coupon (or a change of a promotion's scope) changes
what catalog pages, the campaign page and the kept offers show: the "catalog" page-cache
version is bumped after commit."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.core import pagecache
from apps.promotions.models import Campaign, Coupon, Offer


def promotions_changed(**kwargs) -> None:
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


for model in (Campaign, Offer, Coupon):
    post_save.connect(promotions_changed, sender=model, dispatch_uid=f"promo-save-{model}")
    post_delete.connect(promotions_changed, sender=model, dispatch_uid=f"promo-delete-{model}")
for model in (Offer, Coupon):
    for name in ("series", "categories", "products"):
        through = getattr(model, name).through
        m2m_changed.connect(
            promotions_changed, sender=through, dispatch_uid=f"promo-scope-{through}"
        )
