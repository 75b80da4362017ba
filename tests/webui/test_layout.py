"""Layout: the page fits a phone's width whatever the messages hold."""

import pytest

from .helpers import expect, leaf_green, png

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, hub):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_phone_width_has_no_horizontal_scroll(api, hub, phone_page):
    """At 390 px wide, long words, URLs, images and file names stay on screen."""
    wide = api.upload("wide.png", png(900, 120, leaf_green))
    named = api.upload(f"{'very-long-file-name-' * 8}.tar.gz", b"data")
    api.send("cypress", "all", "https://example.org/" + "segment/" * 40)
    api.send("redwood", "cypress", "x" * 300, [wide, named])
    page = phone_page

    page.goto(hub.url)
    page.wait_for_selector("body.ready")

    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth, window.innerWidth,
                  document.getElementById("log").scrollWidth,
                  document.getElementById("log").clientWidth]"""
    )
    assert widths[0] <= widths[1], widths
    assert widths[2] <= widths[3], widths
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_in_viewport()


def test_webhook_panel_fits_a_phone(hub, phone_page):
    """At 390 px wide the webhook panel fits the screen."""
    page = phone_page
    page.goto(hub.url)
    page.wait_for_selector("body.ready")

    page.get_by_role("button", name="Webhooks").click()

    panel = page.get_by_role("dialog", name="Bot webhooks")
    expect(panel.get_by_role("group", name="cypress")).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
