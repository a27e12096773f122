"""Storefront speed, measured as QUALITY.md asks: gunicorn, PostgreSQL, Redis, DEBUG off.

    python benchmarks/run.py [--large] [--duration 10] [--workers 2] [--worker-class sync]

What it does, by itself:

1. makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them
   if they are down, and installs wrk if it is missing; drops and creates the database
   `shop_bench`; flushes Redis db 14;
2. migrates, collects static files, loads the demo shop topped up to 10,000 products and
   runs VACUUM ANALYZE (as after any bulk load);
3. serves the shop with gunicorn on 127.0.0.1:8077 with production settings and loads each
   page with wrk (16 connections, 2 threads) for `--duration` seconds, each right after a
   shorter load of the bare view it is compared with: first with the page cache on (the
   default), then with PAGE_CACHE_SECONDS=0;
4. with `--large`: copies the database to `shop_bench_large`, tops it up to 100,000 products
   (skipped, with a note, past `--large-budget` seconds), serves both catalogs side by side
   (the large one on port 8078) and loads the listing, a category and search on each in
   turn, page cache off;
5. prints a table, writes BENCHMARKS.md at the repository root and the raw figures to
   benchmarks/results/latest.json; stops gunicorn, drops the databases and removes its
   temporary files at the end, also on Ctrl-C, SIGTERM or an error.

Absolute numbers drift with the machine and whatever else runs on it, so every page is
stated as a ratio to a bare Django view served by the same server moments before.
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
LARGE_PAGES = ["listing", "category listing", "search 电饭煲"]

# QUALITY.md
CACHED_BAR = 0.50
UNCACHED_BAR = 0.15
UNCACHED_P99_MS = 100.0
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


def fetch(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except OSError:
        return 0, {}


def check_page(shop: Shop, name: str, path: str, *, page_cache: bool) -> None:
    """Each page answers 200; the cache serves it on the second visit only when it is on."""
    for _ in range(3):
        status, headers = fetch(shop.url + path)
        if status != 200:
            raise SystemExit(f"{name} ({path}) answered {status}, not 200")
    if path == BARE[1]:
        return
    state = headers.get("X-Page-Cache")
    if page_cache and state != "hit":
        raise SystemExit(f"{name} was not served from the page cache (X-Page-Cache: {state})")
    if not page_cache and state is not None:
        raise SystemExit(f"{name} came from the page cache although it is off")


def wrk(binary: str, script: Path, url: str, duration: int) -> dict:
    command = [binary, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s"] + [
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    result = run(command, capture_output=True, text=True, timeout=duration + 30)
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


def combine(figures: list[dict]) -> dict:
    """Several loads of one page as one: requests over time, mean percentiles."""
    requests = sum(figure["requests"] for figure in figures)
    seconds = sum(figure["seconds"] for figure in figures)
    return {
        "rps": requests / seconds,
        **{
            key: sum(figure[key] for figure in figures) / len(figures)
            for key in ("p50_ms", "p90_ms", "p99_ms")
        },
        "max_ms": max(figure["max_ms"] for figure in figures),
        "requests": requests,
        "seconds": seconds,
        "failed": sum(figure["failed"] for figure in figures),
        "runs": [figure["rps"] for figure in figures],
    }


def measure(shop: Shop, wrk_binary: str, script: Path, *, page_cache: bool, duration: int):
    """Every page right after a shorter load of the bare view: each page is compared with the
    yardstick measured seconds before it, so other work on the machine during the run lowers
    both rather than the ratio."""
    label = "cached" if page_cache else "uncached"
    shop.start(page_cache=page_cache)
    try:
        for name, path in PAGES:
            check_page(shop, name, path, page_cache=page_cache)
        wrk(wrk_binary, script, shop.url + BARE[1], 2)  # warm every worker up
        figures, bares = {}, []
        for name, path in PAGES[1:]:
            bare = wrk(wrk_binary, script, shop.url + BARE[1], max(3, duration // 2))
            bares.append(bare)
            figure = figures[name] = wrk(wrk_binary, script, shop.url + path, duration)
            figure["bare_rps"] = bare["rps"]
            log(
                f"{label:>8} {name:<18} {figure['rps']:7.0f} req/s  p50 {figure['p50_ms']:6.1f} ms"
                f"  p99 {figure['p99_ms']:6.1f} ms  failed {figure['failed']}"
                f"  (bare view just before: {bare['rps']:.0f} req/s)"
            )
        return {BARE[0]: combine(bares), **figures}
    finally:
        shop.stop()


def compare_catalogs(small: Shop, large: Shop, wrk_binary: str, script: Path, duration: int):
    """The same pages on both catalogs, uncached, in four alternating slices each (small,
    large, small, large ...), so both meet the same machine and only the catalog's size
    differs."""
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
    for mode in ("cached", "uncached"):
        for name, figure in (results.get(mode) or {}).items():
            if name == BARE[0]:
                figure["ratio"] = 1.0
                continue
            ratio = figure["ratio"] = figure["rps"] / figure["bare_rps"]
            if mode == "cached":
                passed = ratio >= CACHED_BAR
            else:
                passed = ratio >= UNCACHED_BAR and figure["p99_ms"] < UNCACHED_P99_MS
            out.setdefault(name, {})[mode] = passed and figure["failed"] == 0
    for name, pair in ((results.get("large") or {}).get("figures") or {}).items():
        pair["large_vs_small"] = pair["large"]["rps"] / pair["small"]["rps"]
        passed = pair["large_vs_small"] >= 1 - LARGE_TOLERANCE
        out.setdefault(name, {})["large"] = passed and pair["large"]["failed"] == 0
    return out


def short(count: int) -> str:
    return f"{count / 1000:g}k" if count >= 1000 else str(count)


def word(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def markdown(results: dict, verdict: dict) -> str:
    info, settings = results["machine"], results["settings"]
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
        f" {THREADS} threads, {settings['duration']} s per page, everything on loopback",
        "- Ratio: the page's requests/s over the bare Django view's, same server, measured just"
        " before the page (column `bare req/s`). Bars (QUALITY.md): cached >= 50% of bare;"
        " uncached (PAGE_CACHE_SECONDS=0) >= 15% of bare with p99 < 100 ms; 100,000 products"
        " within 20% of 10,000 (uncached).",
        f"- Load average (1 min) before the run {results['load_before']:.2f}, after"
        f" {results['load_after']:.2f}: other work on the machine lowers every figure.",
        "",
    ]
    for mode, title, bar in (
        ("cached", "Page cache on (anonymous shopper, the default)", "≥ 50% of bare"),
        ("uncached", "Page cache off (PAGE_CACHE_SECONDS=0)", "≥ 15% of bare, p99 < 100 ms"),
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
            figure = figures[name]
            lines.append(
                f"| {name} | `{path}` | {figure['rps']:,.0f} | {figure['p50_ms']:.1f} |"
                f" {figure['p99_ms']:.1f} | {figure.get('bare_rps', figure['rps']):,.0f} |"
                f" {figure['ratio'] * 100:.0f}% | {word(verdict.get(name, {}).get(mode))} |"
            )
        runs = figures[BARE[0]]["runs"]
        lines += [
            "",
            f"The bare view's row is the mean of its {len(runs)} loads, one just before each page"
            f" ({min(runs):,.0f} to {max(runs):,.0f} req/s).",
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
    rows = [f"{'page':<18} {'mode':<9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}  bar"]
    for mode in ("cached", "uncached"):
        for name, _path in PAGES:
            figure = (results.get(mode) or {}).get(name)
            if figure:
                rows.append(
                    f"{name:<18} {mode:<9} {figure['rps']:7.0f} {figure['p50_ms']:7.1f}"
                    f" {figure['p99_ms']:7.1f} {figure['ratio'] * 100:5.0f}%"
                    f"  {word(verdict.get(name, {}).get(mode))}"
                )
    large = results.get("large") or {}
    for name, pair in (large.get("figures") or {}).items():
        big = pair["large"]
        rows.append(
            f"{name:<18} {short(large['products']):<9} {big['rps']:7.0f} {big['p50_ms']:7.1f}"
            f" {big['p99_ms']:7.1f} {'':>6}  {word(verdict[name].get('large'))}"
            f" ({pair['large_vs_small'] * 100:.0f}% of {pair['small']['rps']:.0f} req/s with"
            f" {short(results['products'])}, measured in turn)"
        )
    if large.get("skipped"):
        rows.append(f"large catalog skipped: {large['skipped']}")
    return "\n".join(rows)


# --- Main -------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
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
    return parser.parse_args()


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
                "large_products": options.large_products,
            },
            "load_before": load_before,
        }
        for mode, page_cache in (("cached", True), ("uncached", False)):
            flush_redis()
            log(f"measuring {mode} (gunicorn started afresh, Redis db {REDIS_DB} flushed)")
            results[mode] = measure(
                small, wrk_binary, script, page_cache=page_cache, duration=options.duration
            )
        if options.large:
            flush_redis()
            results["large"] = large_step(small, large, wrk_binary, script, options)
            if results["large"].get("skipped"):
                notes.append(f"Large catalog skipped: {results['large']['skipped']}.")

        failed = sum(
            figure["failed"] for mode in ("cached", "uncached") for figure in results[mode].values()
        )
        notes += [
            "Every page was checked to answer 200 before its load and, with the cache on, to come"
            f" from the page cache on the second visit. Failed responses under load: {failed}.",
            "Uncached means whole pages are not cached; the pagination count stays cached in"
            " Redis (apps/core/pagination.py) and database connections stay open (CONN_MAX_AGE).",
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
