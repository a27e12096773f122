"""Storefront speed, measured as QUALITY.md asks: gunicorn, PostgreSQL, Redis, DEBUG off.

    python benchmarks/run.py [--large] [--duration 10] [--rounds 3] [--workers 2]
                             [--worker-class sync]

What it does, by itself:

1. makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them
   if they are down, and installs wrk if it is missing; drops and creates the database
   `shop_bench`; flushes Redis db 14;
2. migrates, collects static files, loads the demo shop topped up to 10,000 products and
   runs VACUUM ANALYZE (as after any bulk load);
3. serves the shop with gunicorn on 127.0.0.1:8077 with production settings and loads the
   pages with wrk (16 connections, 2 threads) in `--rounds` interleaved rounds: in each
   round every page gets `--duration`/`--rounds` seconds, right after a shorter load of the
   bare view it is compared with. First with the page cache on (the default): anonymous
   pages and, in the same rounds on the same server, the same pages for a logged-in member
   (a session cookie made with `manage.py shell`, so every request is rendered); then with
   PAGE_CACHE_SECONDS=0. A page's figures are medians over the rounds, with the spread of
   its per-round ratios;
4. with `--large`: copies the database to `shop_bench_large`, tops it up to 100,000 products
   (skipped, with a note, past `--large-budget` seconds), serves both catalogs side by side
   (the large one on port 8078) and loads the listing, a category and search on each in
   turn, page cache off;
5. prints a table, writes BENCHMARKS.md at the repository root and the raw figures to
   benchmarks/results/latest.json; stops gunicorn, drops the databases and removes its
   temporary files at the end, also on Ctrl-C, SIGTERM or an error.

Absolute numbers drift with the machine and whatever else runs on it, so every page is
stated as a ratio to a bare Django view served by the same server moments before, and as
the median of several such ratios taken minutes apart.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PORT, LARGE_PORT = 8077, 8078
DB_NAME, LARGE_DB_NAME = "shop_bench", "shop_bench_large"
REDIS_DB = 14
CONNECTIONS, THREADS = 16, 2

# name, path; the first is the yardstick every other page is compared with.
PAGES = [
    ("bare view", "/bench/bare"),
    ("home", "/"),
    ("listing", "/products/"),
    ("category listing", "/category/rice-cookers/"),
    ("product detail", "/product/rice-cookers-smart/"),
    ("search 电饭煲", "/search/?q=" + quote("电饭煲")),
    ("home (English)", "/en/"),
]
BARE = PAGES[0]
# A logged-in member gets the same pages: with the cache on, their tier's copy (never the
# anonymous one); with it off, rendered for them.
MEMBER_PAGES = ["home", "listing", "category listing", "product detail", "search 电饭煲"]
LARGE_PAGES = ["listing", "category listing", "search 电饭煲"]

# QUALITY.md
CACHED_BAR = 0.70
UNCACHED_BAR = 0.15
UNCACHED_P99_MS = 100.0
MEMBER_BAR, MEMBER_P99_MS = UNCACHED_BAR, UNCACHED_P99_MS
MODES = ("cached", "member", "uncached", "member uncached")
LARGE_TOLERANCE = 0.20

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p90_us\\": %d, "
    .. "\\"p99_us\\": %d, \\"max_us\\": %d, \\"connect\\": %d, \\"read\\": %d, "
    .. "\\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def quiet(command: list[str], **kwargs) -> bool:
    result = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs
    )
    return result.returncode == 0


def wait_for(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise SystemExit(f"{what} did not come up within {seconds:.0f} s")


# --- Services ---------------------------------------------------------------------------


def pg_ready() -> bool:
    return quiet(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"])


def ensure_postgres() -> str:
    """Start PostgreSQL if it is down; return the role that can connect (trust auth)."""
    if not pg_ready():
        log("starting PostgreSQL")
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
        wait_for(pg_ready, "PostgreSQL")
    for user in ("postgres", "root"):
        if quiet(psql_command(user, "postgres", "SELECT 1")):
            return user
    raise SystemExit("PostgreSQL refuses both `postgres` and `root` on 127.0.0.1:5432")


def psql_command(user: str, database: str, sql: str) -> list[str]:
    return ["psql", "-h", "127.0.0.1", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1"] + [
        "-qAt",
        "-c",
        sql,
    ]


def redis_ready() -> bool:
    return quiet(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"])


def ensure_redis() -> None:
    if redis_ready():
        return
    log("starting Redis")
    for folder in ("/var/lib/redis", "/var/log/redis"):
        os.makedirs(folder, exist_ok=True)
    run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379"]
        + ["--save", "", "--appendonly", "no", "--dir", "/var/lib/redis"]
        + ["--logfile", "/var/log/redis/ci.log"]
    )
    wait_for(redis_ready, "Redis")


def flush_redis() -> None:
    quiet(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "-n", str(REDIS_DB), "flushdb"])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk (Debian package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not quiet(["apt-get", "install", "-y", "-qq", "wrk"], env=env):
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be installed")
    return found


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


# --- The shop ---------------------------------------------------------------------------


class Shop:
    """One catalog: its database, its management commands and its gunicorn server."""

    def __init__(self, *, database: str, port: int, pg_user: str, workdir: Path, options):
        self.database = database
        self.port = port
        self.pg_user = pg_user
        self.workdir = workdir
        self.options = options
        self.server: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DEBUG": "false",
            "SERVE_MEDIA": "true",
            "BENCH_BARE_VIEW": "true",
            "DATABASE_URL": f"postgres://{pg_user}@127.0.0.1:5432/{database}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            # Two catalogs may share Redis db 14: their cached counts must not mix.
            "CACHE_KEY_PREFIX": database,
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def manage(self, *args: str, timeout: float | None = None) -> None:
        run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, timeout=timeout)

    def sql(self, statement: str, database: str | None = None) -> str:
        command = psql_command(self.pg_user, database or self.database, statement)
        return run(command, capture_output=True, text=True).stdout.strip()

    def create_database(self, *, template: str | None = None) -> None:
        self.drop_database()
        copy = f" TEMPLATE {template}" if template else ""
        self.sql(f"CREATE DATABASE {self.database}{copy}", database="postgres")

    def drop_database(self) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)", database="postgres")

    def analyze(self) -> None:
        for table in ("catalog_product", "catalog_sku", "catalog_productimage"):
            self.sql(f"VACUUM ANALYZE {table}")

    def products(self) -> int:
        return int(self.sql("SELECT count(*) FROM catalog_product"))

    def start(self, *, page_cache: bool) -> None:
        if port_in_use(self.port):
            raise SystemExit(f"something already listens on {HOST}:{self.port}; stop it first")
        env = {**self.env, "PAGE_CACHE_SECONDS": "60" if page_cache else "0"}
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"] + [
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.options.workers),
            "--worker-class",
            self.options.worker_class,
            "--threads",
            str(self.options.threads),
            "--backlog",
            "256",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.workdir / f"gunicorn-{self.port}.log"),
        ]
        self.server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        wait_for(lambda: fetch(self.url + "/healthz")[0] == 200, f"gunicorn on port {self.port}")

    def stop(self) -> None:
        if self.server is None:
            return
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=5)
        self.server = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECT = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, cookie: str | None = None, follow: bool = True) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.urlopen if follow else _NO_REDIRECT.open
    try:
        with opener(request, timeout=5) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except OSError:
        return 0, {}


def check_page(
    shop: Shop, name: str, path: str, *, page_cache: bool, cookie: str | None = None
) -> None:
    """Each page answers 200; the cache serves it on the second visit only when it is on (a
    member's copy for their tier to a member, whose first visit renders it)."""
    for visit in range(3):
        status, headers = fetch(shop.url + path, cookie=cookie)
        if status != 200:
            raise SystemExit(f"{name} ({path}) answered {status}, not 200")
        if cookie and visit == 0 and headers.get("X-Page-Cache") == "hit":
            raise SystemExit(f"{name} came from the anonymous page cache for a logged-in member")
    if path == BARE[1]:
        return
    state = headers.get("X-Page-Cache")
    if page_cache and state != "hit":
        raise SystemExit(f"{name} was not served from the page cache (X-Page-Cache: {state})")
    if not page_cache and state is not None:
        raise SystemExit(f"{name} came from the page cache although it is off")


MEMBER_LOGIN = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

User = get_user_model()
user = (
    User.objects.filter(is_active=True, is_staff=False, is_superuser=False).order_by("pk").first()
    or User.objects.create_user("bench-member@example.com")
)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user, backend="apps.members.backends.MemberModelBackend")
name = settings.SESSION_COOKIE_NAME
print("BENCH-COOKIE", name, client.cookies[name].value, user.email)
"""


def member_cookie(shop: Shop) -> tuple[str, str]:
    """A logged-in member's session, made in the bench environment (same database, same
    SECRET_KEY as the server): returns the Cookie header and the member's email."""
    result = run(
        [sys.executable, "manage.py", "shell", "-c", MEMBER_LOGIN],
        cwd=ROOT,
        env=shop.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH-COOKIE "))
    _, name, value, email = line.split(" ", 3)
    return f"{name}={value}", email


def check_member(shop: Shop, cookie: str) -> None:
    """The cookie is a logged-in session: the members' dashboard answers 200, not a redirect
    to the login page (an unknown or expired session would measure an anonymous shopper)."""
    status, _headers = fetch(shop.url + "/members/", cookie=cookie, follow=False)
    if status != 200:
        raise SystemExit(f"the member's session cookie is not logged in (/members/: {status})")


def wrk(binary: str, script: Path, url: str, duration: int, cookie: str | None = None) -> dict:
    command = [binary, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s"] + [
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = run(command + [url], capture_output=True, text=True, timeout=duration + 30)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "requests": raw["requests"],
        "seconds": seconds,
        # Sync workers close each connection after answering; wrk counts closes it sees while
        # reading as read errors, so only error statuses and timeouts are real failures.
        "failed": raw["status"] + raw["timeout"],
    }


def slice_seconds(duration: int, rounds: int) -> tuple[int, int]:
    """Seconds of one page's slice and of the bare view's slice before it, in one round: the
    rounds share `duration` (wrk takes whole seconds; at least 2 s each)."""
    page = max(2, round(duration / rounds))
    return page, max(2, round(page / 2))


def combine(figures: list[dict], bares: list[dict] | None = None) -> dict:
    """Several slices of one page as one: the median of their requests/s and of their
    percentiles. With `bares` (the bare view's slice just before each), also the median of
    the per-slice ratios to it and their spread."""
    out = {
        "rps": statistics.median(figure["rps"] for figure in figures),
        **{
            key: statistics.median(figure[key] for figure in figures)
            for key in ("p50_ms", "p90_ms", "p99_ms")
        },
        "max_ms": max(figure["max_ms"] for figure in figures),
        "requests": sum(figure["requests"] for figure in figures),
        "seconds": sum(figure["seconds"] for figure in figures),
        "failed": sum(figure["failed"] for figure in figures),
        "runs": [figure["rps"] for figure in figures],
    }
    if bares is not None:
        ratios = [figure["rps"] / bare["rps"] for figure, bare in zip(figures, bares, strict=True)]
        out |= {
            "bare_rps": statistics.median(bare["rps"] for bare in bares),
            "bare_runs": [bare["rps"] for bare in bares],
            "ratio": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "ratios": ratios,
        }
    return out


def measure(
    shop: Shop,
    wrk_binary: str,
    script: Path,
    *,
    page_cache: bool,
    options,
    cookie: str | None = None,
) -> dict[str, dict]:
    """In each of `options.rounds` rounds, every page right after a shorter load of the bare
    view: each page is compared with the yardstick measured seconds before it, so other work
    on the machine during the run lowers both rather than the ratio, and the rounds spread
    each page over the whole run, so one busy minute moves one slice, not the median.
    With `cookie` the member's pages are loaded in the same rounds."""
    label = "cached" if page_cache else "uncached"
    member_label = "member" if page_cache else "member uncached"
    series = [(label, name, path, None) for name, path in PAGES[1:]]
    if cookie:
        series += [
            (member_label, name, path, cookie) for name, path in PAGES if name in MEMBER_PAGES
        ]
    page_seconds, bare_seconds = slice_seconds(options.duration, options.rounds)
    shop.start(page_cache=page_cache)
    try:
        # Warm every worker up first: a worker that has not yet imported the URLconf does not
        # know the page cache's scopes, so its first request misses (and would fail the check
        # below when it lands on the third visit).
        wrk(wrk_binary, script, shop.url + BARE[1], 2)
        for name, path in PAGES:
            check_page(shop, name, path, page_cache=page_cache)
        if cookie:
            check_member(shop, cookie)
            for name, path in PAGES:
                if name in MEMBER_PAGES:
                    check_page(shop, name, path, page_cache=page_cache, cookie=cookie)
        slices: dict[tuple[str, str], list[dict]] = {}
        bares: dict[tuple[str, str], list[dict]] = {}
        for round_number in range(1, options.rounds + 1):
            for mode, name, path, page_cookie in series:
                bare = wrk(wrk_binary, script, shop.url + BARE[1], bare_seconds)
                figure = wrk(wrk_binary, script, shop.url + path, page_seconds, page_cookie)
                bares.setdefault((mode, name), []).append(bare)
                slices.setdefault((mode, name), []).append(figure)
                log(
                    f"{mode:>8} {round_number}/{options.rounds} {name:<18}"
                    f" {figure['rps']:7.0f} req/s  p50 {figure['p50_ms']:6.1f} ms"
                    f"  p99 {figure['p99_ms']:6.1f} ms  failed {figure['failed']}"
                    f"  (bare view just before: {bare['rps']:.0f} req/s,"
                    f" ratio {figure['rps'] / bare['rps'] * 100:.0f}%)"
                )
        # The bare view's row (in the anonymous table): all its slices on this server start,
        # also those before the member's pages; each page's ratios use its own.
        yardstick = [bare for runs in bares.values() for bare in runs]
        results: dict[str, dict] = {label: {BARE[0]: combine(yardstick)}}
        for (mode, name), figures in slices.items():
            results.setdefault(mode, {})[name] = combine(figures, bares[(mode, name)])
        return results
    finally:
        shop.stop()


def compare_catalogs(small: Shop, large: Shop, wrk_binary: str, script: Path, duration: int):
    """The same pages on both catalogs, uncached, in four alternating slices each (small,
    large, small, large ...), so both meet the same machine and only the catalog's size
    differs. Each side's figures are the medians of its slices."""
    rounds = 4
    piece = max(2, duration // rounds + 1)
    for shop in (small, large):
        shop.start(page_cache=False)
    try:
        pages = [(name, path) for name, path in PAGES if name in LARGE_PAGES]
        for shop in (small, large):
            for name, path in pages:
                check_page(shop, name, path, page_cache=False)
            wrk(wrk_binary, script, shop.url + BARE[1], 2)
        figures = {}
        for name, path in pages:
            runs: dict[str, list[dict]] = {"small": [], "large": []}
            for _ in range(rounds):
                for key, shop in (("small", small), ("large", large)):
                    runs[key].append(wrk(wrk_binary, script, shop.url + path, piece))
            pair = figures[name] = {key: combine(value) for key, value in runs.items()}
            log(
                f"   large {name:<18} {pair['small']['rps']:7.0f} req/s small catalog,"
                f" {pair['large']['rps']:7.0f} req/s large"
                f" (p99 {pair['small']['p99_ms']:.0f} / {pair['large']['p99_ms']:.0f} ms)"
            )
        return figures
    finally:
        for shop in (small, large):
            shop.stop()


def large_step(small: Shop, large: Shop, wrk_binary: str, script: Path, options) -> dict:
    """A copy of the catalog topped up to 100,000 products within a time budget, then both
    catalogs measured side by side."""
    log(f"copying {small.database} to {large.database}, topping up to {options.large_products:,}")
    large.create_database(template=small.database)
    started = time.monotonic()
    try:
        large.manage(
            "load_demo_shop",
            "--products",
            str(options.large_products),
            timeout=options.large_budget,
        )
    except subprocess.TimeoutExpired:
        return {
            "skipped": f"loading {options.large_products:,} products took longer than"
            f" {options.large_budget} s on this machine"
        }
    large.analyze()
    load_seconds = time.monotonic() - started
    figures = compare_catalogs(small, large, wrk_binary, script, options.duration)
    return {"products": large.products(), "load_seconds": load_seconds, "figures": figures}


# --- Report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    import django

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def versions(shop: Shop, wrk_binary: str) -> dict:
    postgres = shop.sql("SHOW server_version").split()[0]
    info = run(["redis-cli", "-h", "127.0.0.1", "INFO", "server"], capture_output=True, text=True)
    redis = next(
        (
            line.split(":", 1)[1].strip()
            for line in info.stdout.splitlines()
            if line.startswith("redis_version:")
        ),
        "?",
    )
    banner = subprocess.run([wrk_binary, "-v"], capture_output=True, text=True, check=False)
    wrk_version = ((banner.stdout + banner.stderr).split()[1:2] or ["?"])[0]
    return {"postgres": f"PostgreSQL {postgres}", "redis": redis, "wrk": wrk_version}


def verdicts(results: dict) -> dict:
    """PASS/FAIL per page and bar, as QUALITY.md states them."""
    out: dict[str, dict] = {}
    for mode in MODES:
        for name, figure in (results.get(mode) or {}).items():
            if name == BARE[0]:
                figure["ratio"] = 1.0
                continue
            # The median ratio over the rounds and the median p99 (see combine).
            ratio = figure["ratio"]
            if mode == "cached":
                passed = ratio >= CACHED_BAR
            elif mode.startswith("member"):
                passed = ratio >= MEMBER_BAR and figure["p99_ms"] < MEMBER_P99_MS
            else:
                passed = ratio >= UNCACHED_BAR and figure["p99_ms"] < UNCACHED_P99_MS
            out.setdefault(name, {})[mode] = passed and figure["failed"] == 0
    for name, pair in ((results.get("large") or {}).get("figures") or {}).items():
        pair["large_vs_small"] = pair["large"]["rps"] / pair["small"]["rps"]
        passed = pair["large_vs_small"] >= 1 - LARGE_TOLERANCE
        out.setdefault(name, {})["large"] = passed and pair["large"]["failed"] == 0
    return out


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def ratio_text(figure: dict) -> str:
    """The median ratio and, over several rounds, the spread of the per-round ratios."""
    if "ratio_min" not in figure or len(figure.get("ratios", ())) < 2:
        return percent(figure["ratio"])
    low, high = figure["ratio_min"] * 100, figure["ratio_max"] * 100
    return f"{percent(figure['ratio'])} ({low:.0f}–{high:.0f}%)"


def short(count: int) -> str:
    return f"{count / 1000:g}k" if count >= 1000 else str(count)


def word(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def markdown(results: dict, verdict: dict) -> str:
    info, settings = results["machine"], results["settings"]
    page_seconds, bare_seconds = slice_seconds(settings["duration"], settings["rounds"])
    threads = f" x {settings['threads']} threads" if settings["worker_class"] == "gthread" else ""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (benchmarks/run.py) on {results['date']}. Methods, choices and"
        " the causes of every miss, with query plans: benchmarks/README.md.",
        "",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}",
        f"- Software: Python {info['python']}, Django {info['django']}, {results['postgres']},"
        f" Redis {results['redis']}, wrk {results['wrk']}",
        f"- Server: gunicorn, {settings['workers']} `{settings['worker_class']}` workers{threads}"
        f" on {HOST}:{PORT}; production settings, DEBUG off, PostgreSQL, Redis cache",
        f"- Catalog: {results['products']:,} products. Load: wrk, {CONNECTIONS} connections,"
        f" {THREADS} threads, everything on loopback; {settings['rounds']} interleaved rounds:"
        f" in each, every page {page_seconds} s right after {bare_seconds} s of the bare view"
        f" ({page_seconds * settings['rounds']} s per page in all)",
        "- Ratio: in each round, the page's requests/s over the bare Django view's, same server,"
        " measured just before it; a page's ratio is the median over the rounds, with the"
        " lowest and highest round in brackets; its req/s, p50 and p99 are medians over the"
        " rounds (column `bare req/s`: median of the bare slices before it). Verdicts use the"
        f" median ratio and median p99. Bars (QUALITY.md): anonymous, cached >="
        f" {percent(CACHED_BAR)} of bare; uncached (PAGE_CACHE_SECONDS=0) and logged-in member"
        f" >= {percent(UNCACHED_BAR)} of bare with p99 < {UNCACHED_P99_MS:.0f} ms; 100,000"
        " products within 20% of 10,000 (uncached).",
        f"- Load average (1 min) before the run {results['load_before']:.2f}, after"
        f" {results['load_after']:.2f}: other work on the machine lowers every figure.",
        "",
    ]
    uncached_bar = f"≥ {percent(UNCACHED_BAR)} of bare, p99 < {UNCACHED_P99_MS:.0f} ms"
    for mode, title, bar in (
        (
            "cached",
            "Page cache on (anonymous shopper, the default)",
            f"≥ {percent(CACHED_BAR)} of bare",
        ),
        ("member", "Logged-in member (session cookie; the copy kept for their tier)", uncached_bar),
        ("uncached", "Page cache off (PAGE_CACHE_SECONDS=0)", uncached_bar),
        (
            "member uncached",
            "Logged-in member, page cache off (every page rendered for them)",
            uncached_bar,
        ),
    ):
        figures = results.get(mode)
        if not figures:
            continue
        lines += [
            f"## {title}",
            "",
            f"| page | URL | req/s | p50 ms | p99 ms | bare req/s | ratio to bare | bar ({bar}) |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, path in PAGES:
            figure = figures.get(name)
            if figure is None:
                continue
            if name == BARE[0]:
                runs = figure["runs"]
                ratio = f"100% ({min(runs):,.0f}–{max(runs):,.0f} req/s)"
            else:
                ratio = ratio_text(figure)
            lines.append(
                f"| {name} | `{path}` | {figure['rps']:,.0f} | {figure['p50_ms']:.1f} |"
                f" {figure['p99_ms']:.1f} | {figure.get('bare_rps', figure['rps']):,.0f} |"
                f" {ratio} | {word(verdict.get(name, {}).get(mode))} |"
            )
        lines.append("")
        if mode == "member":
            lines += [
                f"Measured on the same server start as the anonymous pages, in the same rounds,"
                f" with the cookie of a logged-in member's session ({results['member_email']},"
                " not staff). Such a visitor is never served the anonymous copy: each page is"
                " kept per what it shows them (their tier's prices, signed in, cart and"
                " comparison counts, a saved product's heart; apps/core/pagecache.py), so a hit"
                " still loads their session and user row. The bare view it is compared with is"
                " requested without the cookie.",
                "",
            ]
        elif mode == "member uncached":
            lines += [
                "The same member's pages with the page cache off, in the same rounds as the"
                " anonymous uncached pages: what a member pays when their copy is not kept yet.",
                "",
            ]
        else:
            runs = figures[BARE[0]]["runs"]
            lines += [
                f"The bare view's row is the median of its {len(runs)} slices, one just before"
                " each page in each round"
                + (
                    ", the member's pages included"
                    if mode == "cached" and "member" in results
                    else ""
                )
                + " (lowest and highest in brackets).",
                "",
            ]
    large = results.get("large")
    if large:
        lines += [f"## {results['settings']['large_products']:,} products (uncached)", ""]
        if large.get("skipped"):
            lines += [f"Skipped: {large['skipped']}.", ""]
        else:
            small_label, large_label = short(results["products"]), short(large["products"])
            lines += [
                f"A copy of the catalog topped up to {large['products']:,} products in"
                f" {large['load_seconds']:.0f} s (bulk inserts, then VACUUM ANALYZE), served"
                " beside the small one; each page loaded on both in alternating slices.",
                "",
                f"| page | req/s {small_label} | req/s {large_label} | p50 ms {small_label} |"
                f" p50 ms {large_label} | p99 ms {small_label} | p99 ms {large_label} |"
                f" {large_label} / {small_label} | bar (within 20%) |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            ]
            for name, pair in large["figures"].items():
                small, big = pair["small"], pair["large"]
                lines.append(
                    f"| {name} | {small['rps']:,.0f} | {big['rps']:,.0f} | {small['p50_ms']:.1f} |"
                    f" {big['p50_ms']:.1f} | {small['p99_ms']:.1f} | {big['p99_ms']:.1f} |"
                    f" {pair['large_vs_small'] * 100:.0f}% | {word(verdict[name].get('large'))} |"
                )
            lines.append("")
    lines += ["## Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    return "\n".join(lines)


def console_table(results: dict, verdict: dict) -> str:
    rows = [
        f"{'page':<18} {'mode':<9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'ratio (spread)':>16}  bar"
    ]
    for mode in MODES:
        for name, _path in PAGES:
            figure = (results.get(mode) or {}).get(name)
            if figure:
                spread = ratio_text(figure)
                if name == BARE[0]:  # its own spread: the lowest and highest slice
                    spread = f"{min(figure['runs']):.0f}–{max(figure['runs']):.0f}/s"
                rows.append(
                    f"{name:<18} {mode:<9} {figure['rps']:7.0f} {figure['p50_ms']:7.1f}"
                    f" {figure['p99_ms']:7.1f} {spread:>16}"
                    f"  {word(verdict.get(name, {}).get(mode))}"
                )
    large = results.get("large") or {}
    for name, pair in (large.get("figures") or {}).items():
        big = pair["large"]
        rows.append(
            f"{name:<18} {short(large['products']):<9} {big['rps']:7.0f} {big['p50_ms']:7.1f}"
            f" {big['p99_ms']:7.1f} {'':>16}  {word(verdict[name].get('large'))}"
            f" ({pair['large_vs_small'] * 100:.0f}% of {pair['small']['rps']:.0f} req/s with"
            f" {short(results['products'])}, measured in turn)"
        )
    if large.get("skipped"):
        rows.append(f"large catalog skipped: {large['skipped']}")
    return "\n".join(rows)


# --- Main -------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per page, over all rounds"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; figures are their medians"
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="also measure 100,000 products")
    parser.add_argument("--large-products", type=int, default=100_000)
    parser.add_argument(
        "--large-budget", type=int, default=180, help="skip the large step past this many seconds"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread)")
    parser.add_argument(
        "--keep-database", action="store_true", help="keep the databases to EXPLAIN afterwards"
    )
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="the report")
    options = parser.parse_args()
    if options.rounds < 1 or options.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    return options


def main() -> int:
    options = parse_args()
    # SIGTERM (from a CI runner or `kill`) unwinds like Ctrl-C, so the cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    wrk_binary = ensure_wrk()
    pg_user = ensure_postgres()
    ensure_redis()
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    common = {"pg_user": pg_user, "workdir": workdir, "options": options}
    small = Shop(database=DB_NAME, port=PORT, **common)
    large = Shop(database=LARGE_DB_NAME, port=LARGE_PORT, **common)
    try:
        log(f"database {DB_NAME} as {pg_user}, Redis db {REDIS_DB}, work files in {workdir}")
        small.create_database()
        flush_redis()
        small.manage("migrate", "--noinput", "-v", "0")
        small.manage("collectstatic", "--noinput", "-v", "0")
        log(f"loading the demo shop with {options.products:,} products")
        load_started = time.monotonic()
        small.manage("load_demo_shop", "--products", str(options.products))
        small.analyze()
        notes = [
            f"Loading {small.products():,} products (the demo shop with its drawn pictures, then"
            f" bulk inserts) took {time.monotonic() - load_started:.0f} s."
        ]
        results: dict = {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            **versions(small, wrk_binary),
            "products": small.products(),
            "settings": {
                "workers": options.workers,
                "worker_class": options.worker_class,
                "threads": options.threads,
                "duration": options.duration,
                "rounds": options.rounds,
                "large_products": options.large_products,
            },
            "load_before": load_before,
        }
        for mode, page_cache in (("cached", True), ("uncached", False)):
            flush_redis()
            # A member's session (database sessions, so the flush above keeps it).
            cookie, results["member_email"] = member_cookie(small)
            log(f"logged-in member {results['member_email']}")
            log(f"measuring {mode} (gunicorn started afresh, Redis db {REDIS_DB} flushed)")
            results |= measure(
                small, wrk_binary, script, page_cache=page_cache, options=options, cookie=cookie
            )
        if options.large:
            flush_redis()
            results["large"] = large_step(small, large, wrk_binary, script, options)
            if results["large"].get("skipped"):
                notes.append(f"Large catalog skipped: {results['large']['skipped']}.")

        failed = {
            mode: sum(figure["failed"] for figure in results.get(mode, {}).values())
            for mode in MODES
        }
        notes += [
            "Every page was checked to answer 200 before its load and, with the cache on, to come"
            " from the page cache on the second visit; the member's pages, with the session"
            " cookie, never to come from the anonymous copy, and the cookie to open the"
            f" members' dashboard. Failed responses under load: {sum(failed.values())}"
            f" (anonymous cached {failed['cached']}, logged-in member {failed['member']},"
            f" uncached {failed['uncached']}, member uncached {failed['member uncached']}).",
            "Uncached means whole pages are not cached; the pagination count stays cached in"
            " Redis (apps/core/pagination.py) and database connections stay open (CONN_MAX_AGE).",
            "Catalog data is still kept per catalog version in uncached and member runs: the"
            " tree, home sections, product pages and listing cards in each worker"
            " (apps/core/kept.py), a repeated search's ranked ids in Redis. The search rows"
            " repeat one query, so they measure a popular search; a search for new words asks"
            " PostgreSQL (in-process figures in benchmarks/README.md).",
            "Gunicorn: 2 sync workers, chosen by measurement on this 2-CPU machine"
            " (benchmarks/README.md); --workers, --worker-class and --threads change it.",
            f"Total run time {time.monotonic() - started:.0f} s.",
        ]
        results["notes"] = notes
        results["load_after"] = os.getloadavg()[0]
        verdict = verdicts(results)
        print()
        print(console_table(results, verdict))
        Path(options.output).write_text(markdown(results, verdict), encoding="utf-8")
        raw = ROOT / "benchmarks" / "results"
        raw.mkdir(exist_ok=True)
        (raw / "latest.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        log(f"wrote {options.output} and benchmarks/results/latest.json")
        return 0
    finally:
        for shop in (small, large):
            shop.stop()
            if not options.keep_database:
                try:
                    shop.drop_database()
                except subprocess.CalledProcessError:
                    log(f"could not drop {shop.database}")
        flush_redis()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted: gunicorn stopped, databases dropped, work files removed")
        sys.exit(130)
