"""Fixtures for the page tests: a real hub, headless Chromium, a fresh page."""

import os
from pathlib import Path

import pytest

from tests.servers import HubProcess

from .helpers import HubApi, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


def browser_unavailable(reason):
    """Skip for want of a browser, or fail when CI says the browser must be there."""
    if os.environ.get("FOREST_CHAT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FOREST_CHAT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Start Debian's Chromium once per test module."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing: install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright for Python is not installed")

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """Serve a fresh hub under gunicorn for one test module."""
    with HubProcess(tmp_path_factory.mktemp("webui") / "data", workers=2) as server:
        yield server
        # Closed pages leave long-polls waiting in the server, and a graceful
        # stop would wait for them; this data is thrown away, so stop at once.
        server.kill()


@pytest.fixture
def api(hub):
    return HubApi(hub.url)


@pytest.fixture
def context(browser, hub):
    """Give each test its own browser context: no storage shared between tests."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=hub.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """Return a new page that fails the test if any script on it throws."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert not errors, f"the page threw: {errors}"


@pytest.fixture
def open_page(page, hub):
    """Return a function that loads the hub's page and waits until it is live."""

    def open_page(path="/"):
        page.goto(f"{hub.url}{path}")
        page.wait_for_selector("body.ready")
        return page

    return open_page
