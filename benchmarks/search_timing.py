"""Time the search page in-process (Django test client, page cache off) against one database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop_x PAGE_CACHE_SECONDS=0 \
        .venv/bin/python benchmarks/search_timing.py 电饭煲 --requests 100

Prints the median, p90 and mean ms per request, and the queries of one request. As in
`make bench`, only the page cache is off; `--clear-cache` also empties the cache before every
request (so a cached pagination count cannot help).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("query", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--page", default="1")
    parser.add_argument("--clear-cache", action="store_true")
    options = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("catalog:search")
    for query in options.query:
        params = {"q": query, "page": options.page}
        for _ in range(5):
            cache.clear()
            assert client.get(url, params).status_code == 200
        timings = []
        for _ in range(options.requests):
            if options.clear_cache:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        timings.sort()
        print(
            f"{query}: median {statistics.median(timings):.1f} ms,"
            f" p90 {timings[int(len(timings) * 0.9)]:.1f} ms,"
            f" mean {statistics.mean(timings):.1f} ms, {len(captured)} queries"
        )


if __name__ == "__main__":
    main()
