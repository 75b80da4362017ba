"""The README's screenshot: a realistic conversation, taken by the test suite."""

import struct
from pathlib import Path

from .helpers import bar_chart, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def hold_a_conversation(api):
    chart = api.upload("build-times.png", bar_chart())
    log = api.upload("wake-2026-02-05.log", b"2026-02-05T22:14:03Z wake ok 200\n" * 96)
    api.send(
        "matthew",
        "all",
        "Morning, team. Today: ship the new store and the web page.\n"
        "Checklist: https://example.org/forest/checklist",
    )
    api.send(
        "redwood",
        "cypress",
        "Reviewed the long-poll change. One nit on the backoff cap; otherwise \u2713",
    )
    api.send("cypress", "redwood", "Fixed: capped at 30 s and pushed.")
    api.send("bigc", "cypress", "Can you send me last night's wake log?")
    api.read("cypress")
    api.read("redwood")
    api.send("cypress", "bigc", "Here it is, the whole night's log.", [log])
    api.send("cypress", "matthew", "Finished the restart drill on the staging box.")
    api.send("cypress", "matthew", "Nightly build times, as you asked:", [chart])
    api.send("matthew", "all", "Great work, everyone \u2192 next up: identity tokens.")


def png_size(path):
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_screenshot_of_a_conversation(api, open_page):
    """The suite saves a 1280x800 screenshot of a conversation for the README."""
    hold_a_conversation(api)
    page = open_page()
    expect(page.get_by_text("next up: identity tokens")).to_be_in_viewport()
    page.get_by_role("img", name="build-times.png").evaluate("img => img.decode()")
    page.locator("#log").evaluate("log => log.scrollTo(0, log.scrollHeight)")

    page.screenshot(path=SCREENSHOT)

    assert png_size(SCREENSHOT) == (1280, 800)
