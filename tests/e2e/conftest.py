"""A real browser (Debian's Chromium, driven by Playwright) against pytest-django's live server.

Tests here are marked `e2e`; they skip, saying why, where /usr/bin/chromium is missing (CI
installs it, see .ci/run). Playwright's browsers are never downloaded.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread, and Django refuses database access
# from a thread with a running loop. The test only drives the browser and sets up data; the
# server answers from its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_args():
    """Options for each test's browser context; a test may override this fixture."""
    return {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def console_errors():
    return []


@pytest.fixture
def page(context, console_errors):
    """A fresh tab; console errors and uncaught exceptions are collected in console_errors."""
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"{page.url}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
    yield page
    page.close()


@pytest.fixture
def shop(settings, live_server):
    """The demo catalog (without drawn pictures) behind a live server; returns its URL."""
    from apps.catalog.demo import load_catalog

    settings.ROOT_URLCONF = "tests.e2e.urls"
    load_catalog(with_images=False)
    return live_server.url
