"""Read-mostly data kept in a worker's memory while a page-cache scope's version stays the
same (apps.core.pagecache): any change in the scope bumps the version, and the next request
builds the value again. When the cache is down the version is unknown and nothing is kept:
never a stale value, never an error. Kept values are shared between requests and threads:
read them, never change them.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.utils.translation import get_language

from apps.core import pagecache

T = TypeVar("T")


class KeptPerVersion(Generic[T]):
    """At most `size` values of one scope, per key and language, least recently used first out."""

    def __init__(self, scope: str, size: int):
        self.scope = scope
        self.size = size
        self._values: OrderedDict[tuple, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        version = pagecache.version(self.scope)
        if not version:
            return build()
        slot = (key, get_language())
        with self._lock:
            kept = self._values.get(slot)
            if kept is not None and kept[0] == version:
                self._values.move_to_end(slot)
                return kept[1]
        value = build()
        with self._lock:
            self._values[slot] = (version, value)
            self._values.move_to_end(slot)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
