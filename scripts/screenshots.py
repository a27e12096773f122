"""`make screenshots`: the shop's pages, back office and emails as people see them.

Builds a throw-away demo shop (SQLite in a temporary folder, pictures drawn as `make run`
draws them), serves it on a free local port, and drives Debian's Chromium through it with
Playwright: storefront pages at 375 px and 1366 px in both languages, the back-office index
for each staff role, and every kind of email (`manage.py preview_emails`). PNGs go to
docs/screenshots/. Nothing is downloaded; the browser is /usr/bin/chromium.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo-pass-123"  # noqa: S105 - the demo shop's published password (README)
SIZES = {"phone": (375, 812), "desktop": (1366, 900)}
LANGUAGES = {"zh": ("", "zh-CN"), "en": ("/en", "en-GB")}
ROLES = ["store_manager", "warehouse", "aftersales_service", "store_assistant"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{scratch}/shop.sqlite3",
            "REDIS_URL": "",
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo_shop")
        for language in LANGUAGES:
            folder = Path(scratch) / f"emails-{language}"
            args = ["--language", "en"] if language == "en" else []
            manage(env, "preview_emails", "--out", str(folder), *args)
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz")
            shoot(base, Path(scratch))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Screenshots in {OUT.relative_to(ROOT)}/")


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def shoot(base: str, scratch: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for language, (prefix, locale) in LANGUAGES.items():
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale=locale
                )
                storefront(context.new_page(), base + prefix, f"{language}-{size}")
                context.close()
            emails(browser, scratch / f"emails-{language}", language)
        for role in ROLES:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            back_office(context.new_page(), base, role)
            context.close()
        browser.close()


def save(page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print(f"  {name}.png")


def storefront(page, base: str, tag: str) -> None:
    """A member's visit: home, a listing, a product, the cart, checkout, the paid order and
    the member centre, each as its first screen shows it."""
    page.goto(base + "/")
    save(page, f"home-{tag}")
    page.goto(base + "/category/rice-cookers/")
    save(page, f"listing-{tag}")
    page.locator(".product-card h3 a").first.click()
    page.wait_for_load_state()
    save(page, f"product-{tag}")
    page.locator("#buy-form button").first.click()  # add to cart
    page.wait_for_load_state()
    save(page, f"cart-{tag}")

    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill("member1@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(base + "/checkout/")
    save(page, f"checkout-{tag}")
    page.locator(".checkout-form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.locator("main form button[type=submit]").last.click()  # place the order
    page.wait_for_load_state()
    simulator = page.locator("button", has_text=re.compile("simulator|模拟", re.I))
    if simulator.count():
        simulator.first.click()
        page.wait_for_load_state()
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    save(page, f"confirmation-{tag}")
    page.goto(base + "/members/")
    save(page, f"member-centre-{tag}")
    page.goto(base + "/cart/")
    save(page, f"cart-empty-{tag}")
    page.context.clear_cookies()


def back_office(page, base: str, role: str) -> None:
    page.goto(base + "/admin/login/")
    email = {"store_manager": "manager", "store_assistant": "assistant"}.get(
        role, role.split("_")[0]
    )
    page.locator("#id_username").fill(f"{email}@example.com")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state()
    save(page, f"admin-{role}")


def emails(browser, folder: Path, language: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    for html in sorted(folder.glob("*.html")):
        page.goto(html.as_uri())
        save(page, f"email-{html.stem}-{language}", full_page=True)
    context.close()


if __name__ == "__main__":
    main()
