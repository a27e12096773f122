"""Time storefront pages in-process (Django test client, DEBUG off, page cache off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop_x REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python benchmarks/page_timing.py / /products/ /product/rice-cookers-smart/

Prints the median and p90 ms per request and the queries of one request for each URL, in
rounds that interleave the pages so each meets the same machine. `--member` signs in a
customer first (a session cookie, so the page cache would not serve them anyway);
`--profile` prints the top of a cProfile of the first URL instead.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ["DEBUG"] = "false"
os.environ["BENCH_BARE_VIEW"] = "true"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def _client(member: bool) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if member:
        user = get_user_model().objects.filter(is_staff=False).order_by("pk").first()
        client.force_login(user)
    return client


def _time(client: Client, url: str, requests: int) -> list[float]:
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--member", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    options = parser.parse_args()
    client = _client(options.member)
    for url in options.urls:
        _time(client, url, 5)
    if options.profile:
        profiler = cProfile.Profile()
        profiler.runcall(_time, client, options.urls[0], options.requests)
        pstats.Stats(profiler).sort_stats(options.sort).print_stats(45)
        return
    medians: dict[str, list[float]] = {url: [] for url in options.urls}
    for _ in range(options.rounds):
        for url in options.urls:
            medians[url].append(statistics.median(_time(client, url, options.requests)))
    for url in options.urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        rounds = ", ".join(f"{value:.2f}" for value in medians[url])
        median = statistics.median(medians[url])
        print(f"{url}: median of rounds {median:.2f} ms ({rounds}), {len(captured)} queries")


if __name__ == "__main__":
    main()
