"""Pagination whose total is cached briefly, so deep catalogs don't count every row per page."""

import contextlib
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property

from apps.core import pagecache


class CachedCountPaginator(Paginator):
    def __init__(self, *args, scope: str = "catalog", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    @cached_property
    def count(self) -> int:
        try:
            sql = str(self.object_list.query).encode()
        except EmptyResultSet:
            return 0
        key = (
            f"count:{self.scope}:{pagecache.version(self.scope)}:"
            f"{hashlib.blake2b(sql, digest_size=16).hexdigest()}"
        )
        try:
            cached = cache.get(key)
        except Exception:
            cached = None
        if cached is not None:
            return cached
        total = super().count
        # The cache is optional: if it is down, the next page simply counts again.
        with contextlib.suppress(Exception):
            cache.set(key, total, 300)
        return total


def page_of(queryset, page_number, per_page: int):
    """The requested page; a missing, malformed or out-of-range number gives the first or last
    page instead of an error."""
    paginator = CachedCountPaginator(queryset, per_page)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage:
        try:
            number = int(page_number)
        except (TypeError, ValueError):
            number = 1
        return paginator.page(paginator.num_pages if number > 1 else 1)
