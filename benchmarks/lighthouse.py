"""Lighthouse scores of the storefront, as QUALITY.md and the design ask: production settings,
DEBUG off, static files through whitenoise, PostgreSQL and Redis, Debian's Chromium.

    python benchmarks/lighthouse.py [--lighthouse PATH]

Loads the demo shop into its own PostgreSQL database, serves it with gunicorn on
127.0.0.1:8078, and runs Lighthouse (mobile, its default throttling) on the home page, a
category, a product and the cart in both languages; prints the four scores per page and
writes them to benchmarks/results/lighthouse.json and the "Lighthouse" section of
BENCHMARKS.md. Lighthouse is a Node.js tool the project does not ship: install it once
outside the project (`npm install --prefix /tmp/lh lighthouse@12`) and point `--lighthouse`
at its binary (or its cli/index.js), or have `lighthouse` on the PATH.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, Shop, ensure_postgres, ensure_redis, log  # noqa: E402

PORT = 8078
DATABASE = "lighthouse_shop"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "listing": "/category/rice-cookers/",
    "product": "/product/rice-cookers-smart/",
    "cart": "/cart/",
}
LANGUAGES = {"zh": "", "en": "/en"}
RESULTS = ROOT / "benchmarks" / "results" / "lighthouse.json"
SECTION = "## Lighthouse"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    if not options.lighthouse or not Path(options.lighthouse).exists():
        raise SystemExit("Lighthouse not found: npm install --prefix /tmp/lh lighthouse@12")

    ensure_redis()
    pg_user = ensure_postgres()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        workdir = Path(folder)
        shop = Shop(
            database=DATABASE,
            port=PORT,
            pg_user=pg_user,
            workdir=workdir,
            options=SimpleNamespace(workers=2, worker_class="sync", threads=1),
        )
        shop.create_database()
        try:
            shop.manage("migrate", "--noinput", "-v0")
            shop.manage("load_demo_shop")
            shop.manage("collectstatic", "--noinput", "-v", "0")
            shop.start(page_cache=True)
            scores = {}
            for language, prefix in LANGUAGES.items():
                for name, path in PAGES.items():
                    url = shop.url + prefix + path
                    if name == "cart":
                        url = shop.url + prefix + "/cart/"
                    urllib.request.urlopen(url, timeout=10).read()  # warm the page cache
                    scores[f"{name} ({language})"] = audit(options, url, workdir)
                    log(f"{name} ({language}): {scores[f'{name} ({language})']}")
        finally:
            shop.stop()
            shop.drop_database()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(scores, indent=2) + "\n")
    write_section(scores)
    return 0


def audit(options, url: str, workdir: Path) -> dict[str, int]:
    report = workdir / "report.json"
    runner = (
        ["node", options.lighthouse] if options.lighthouse.endswith(".js") else [options.lighthouse]
    )
    command = [
        *runner,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
        "--disable-background-networking --disable-component-update --no-first-run",
    ]
    # Lighthouse now and then fails to record a trace (NO_NAVSTART): try again, twice at most.
    for attempt in range(3):
        finished = subprocess.run(  # noqa: S603
            command, check=False, env={**os.environ, "CHROME_PATH": options.chromium}
        )
        if finished.returncode == 0:
            break
        log(f"Lighthouse failed on {url} (attempt {attempt + 1} of 3)")
    else:
        raise SystemExit(f"Lighthouse failed three times on {url}")
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def write_section(scores: dict[str, dict[str, int]]) -> None:
    lines = [
        SECTION,
        "",
        "`python benchmarks/lighthouse.py`: Lighthouse 12, mobile (its default throttling), Debian"
        " Chromium, production settings, whitenoise, PostgreSQL and Redis, the demo shop.",
        "",
        "| page | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- |",
    ]
    for page, score in scores.items():
        lines.append(f"| {page} | " + " | ".join(str(score[name]) for name in CATEGORIES) + " |")
    section = "\n".join(lines) + "\n"
    target = ROOT / "BENCHMARKS.md"
    text = target.read_text() if target.exists() else ""
    if SECTION in text:
        head, _, rest = text.partition(SECTION)
        tail = rest.split("\n## ", 1)
        text = head + section + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    target.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
