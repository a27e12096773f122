"""Pagination whose total is cached briefly, so deep catalogs don't count every row per page."""

import contextlib
import hashlib
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property

from apps.core import pagecache


def count_key(*parts, **filters) -> str:
    """A count-cache key from what decides the total: fixed parts (a category) and the
    filter form's cleaned values, sorted, with empty values left out. Two requests giving the
    same filters in any order share one key."""
    normalised = [
        f"{name}={value.normalize() if isinstance(value, Decimal) else value}"
        for name, value in sorted(filters.items())
        if value not in (None, "")
    ]
    return "|".join([*map(str, parts), *normalised])


class CachedCountPaginator(Paginator):
    """`key` says what the total depends on (see `count_key`); without it the compiled SQL
    is the key, which costs compiling the whole query just to look the total up."""

    def __init__(self, *args, scope: str = "catalog", key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.key = key

    @cached_property
    def count(self) -> int:
        if self.key is not None:
            kind, identity = "key", self.key.encode()
        else:
            try:
                kind, identity = "sql", str(self.object_list.query).encode()
            except EmptyResultSet:
                return 0
        key = (
            f"count:{self.scope}:{pagecache.version(self.scope)}:{kind}:"
            f"{hashlib.blake2b(identity, digest_size=16).hexdigest()}"
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


def page_of(queryset, page_number, per_page: int, *, count_key: str | None = None):
    """The requested page; a missing, malformed or out-of-range number gives the first or last
    page instead of an error. `count_key` (see `count_key()`) names the total in the cache."""
    paginator = CachedCountPaginator(queryset, per_page, key=count_key)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage:
        try:
            number = int(page_number)
        except (TypeError, ValueError):
            number = 1
        return paginator.page(paginator.num_pages if number > 1 else 1)
