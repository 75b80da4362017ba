"""Safety: whatever a message or a file name holds shows as text and runs nothing."""

import json
import re
from pathlib import Path

import pytest
import requests

from .helpers import expect

WEBUI = Path(__file__).resolve().parents[2] / "webui"
HOSTILE_TEXTS = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "javascript:window.__pwned=1",
    "[click me](javascript:window.__pwned=1)",
    "<a href=\"javascript:window.__pwned=1\">click me</a>",
]
HOSTILE_FILE_NAMES = [
    "<img src=x onerror=window.__pwned=1>.png",
    '"><svg onload=window.__pwned=1>.txt',
    "<script>window.__pwned=1<\\script>.pdf",
    "javascript:window.__pwned=1.html",
]
PLAIN_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8cff00000030101009f4e4c3a0000000049454e44ae426082"
)


def text_exactly(page, text):
    pattern = re.compile(f"^{re.escape(text)}$")
    return page.locator(".msg .text").filter(has_text=pattern).last


def assert_nothing_ran(page):
    assert page.evaluate("window.__pwned") is None
    injected = "#log script, #log svg, #log iframe, #log img[src='x']"
    assert page.locator(injected).count() == 0
    assert page.locator("#log a[href^='javascript' i]").count() == 0


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_in_history_shows_literally(api, open_page, text):
    """Markup and script in a stored message show as the text they are."""
    api.send("cypress", "matthew", text)

    page = open_page()

    expect(text_exactly(page, text)).to_be_visible()
    assert_nothing_ran(page)


def test_hostile_text_arriving_live_shows_literally(api, open_page):
    """Markup in a message that arrives while the page is open stays text."""
    page = open_page()

    for text in HOSTILE_TEXTS:
        api.send("redwood", "all", text)

    for text in HOSTILE_TEXTS:
        expect(text_exactly(page, text)).to_be_visible()
    assert_nothing_ran(page)


def test_hostile_file_names_show_literally(api, open_page):
    """File names with markup show as text in chips and image descriptions."""
    attachments = [api.upload(name, PLAIN_PNG) for name in HOSTILE_FILE_NAMES]
    api.send("bigc", "all", "hostile files", attachments)

    page = open_page()

    files = page.locator(".msg", has_text="hostile files").locator(".files")
    for attachment in attachments:
        name = attachment["original_name"]
        if attachment["filename"].endswith(".png"):
            expect(files.get_by_role("img", name=name, exact=True)).to_be_visible()
        else:
            expect(files.locator(".file-name").filter(has_text=name)).to_have_text(name)
    assert_nothing_ran(page)


def test_only_http_and_https_urls_become_links(api, open_page):
    """http and https addresses are links; javascript:, data: and ftp: stay text."""
    api.send(
        "bigc",
        "all",
        "links: https://example.org/a?b=1 and (http://10.0.0.7:5001/x), but not "
        "javascript:window.__pwned=1 or data:text/html,hi or ftp://files.example/f",
    )

    page = open_page()

    links = page.locator(".msg", has_text="links:").locator("a")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        "https://example.org/a?b=1",
        "http://10.0.0.7:5001/x",
    ]
    assert links.nth(0).get_attribute("rel") == "noopener noreferrer nofollow"


def test_malformed_history_never_stops_the_rest_rendering(page, hub):
    """Odd and broken messages from an old import leave the others on show."""
    history = [
        None,
        "not a message",
        {"id": "seven", "from": "cypress", "message": "id is text"},
        {
            "id": 3,
            "from": {"name": "x"},
            "to": ["y"],
            "message": 12345,
            "timestamp": 99,
            "delivered_to": True,
            "attachments": "none",
        },
        {
            "id": 4,
            "from": "<img src=x onerror=window.__pwned=1>",
            "to": "old-bot",
            "message": "legacy hello",
            "timestamp": "2025-01-31T23:58:07.123456",
            "delivered_to": {"old-bot": True},
            "attachments": [
                {
                    "filename": "chart_0a1b2c3d.png",
                    "url": "javascript:window.__pwned=1",
                    "original_name": "<svg onload=window.__pwned=1>",
                },
                5,
                None,
                {"url": "/api/files/no-name"},
            ],
        },
        {
            "id": 5,
            "from": "cypress",
            "to": "matthew",
            "message": "the last one renders",
            "timestamp": "2026-02-06T09:20:00+00:00",
            "delivered_to": {"matthew": False},
            "attachments": [],
        },
    ]
    page.route(
        re.compile(r"/api/messages\?limit="),
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(history)
        ),
    )

    page.goto(hub.url)

    expect(page.locator(".msg", has_text="the last one renders")).to_be_visible()
    legacy = page.locator(".group", has_text="legacy hello")
    expect(legacy.locator(".who")).to_have_text("<img src=x onerror=window.__pwned=1>")
    expect(legacy.locator(".group-head time")).to_have_text("23:58")
    image = legacy.get_by_role("img", name="<svg onload=window.__pwned=1>")
    assert image.get_attribute("src") == "/api/files/chart_0a1b2c3d.png"
    assert legacy.locator("a").first.get_attribute("href") == image.get_attribute("src")
    assert_nothing_ran(page)


def test_page_is_served_with_a_policy_that_forbids_inline_script(hub):
    """The page's Content-Security-Policy allows only the hub's own scripts."""
    answer = requests.get(hub.url, timeout=10)

    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"


def test_page_files_hold_no_inline_script_or_style():
    """index.html has no inline script, handler or style attribute to be blocked."""
    html = (WEBUI / "index.html").read_text(encoding="utf-8")

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+\s*=", html) == []
    assert re.findall(r"\sstyle\s*=", html) == []
    assert "innerHTML" not in "".join(
        path.read_text(encoding="utf-8") for path in WEBUI.glob("*.js")
    )


def test_page_file_names_can_be_served():
    """Every file of the page has a name the HTTP adapter serves under /ui/."""
    pattern = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(js|css|svg|png|ico|html)$")
    names = [path.name for path in WEBUI.iterdir() if path.name != "__init__.py"]

    assert [name for name in names if not pattern.match(name)] == []
