"""The README's screenshot: a realistic conversation, taken by the test suite."""

import base64
import re
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from .helpers import bar_chart, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
# The picture must come out the same on every run, or each run of the suite
# would leave docs/screenshot.png modified. So the page reads the clock and the
# times of the messages as if it were a fixed morning in a fixed zone.
ZONE = "Europe/London"
MORNING = datetime(2026, 2, 6, 8, 52, tzinfo=timezone.utc)
LOOKED_AT = MORNING + timedelta(hours=1)
# Tall enough for the whole conversation, from the day divider down.
SIZE = {"width": 1280, "height": 920}
# Now and then Chromium draws an anti-aliased edge one shade off. A picture that
# differs from the saved one by no more than that is not saved again.
NOISE = 2
SAME_PICTURE = """async ([saved, taken, noise]) => {
  const pixels = async (png) => {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [a, b] = await Promise.all([pixels(saved), pixels(taken)]);
  const near = (value, i) => Math.abs(value - b[i]) <= noise;
  return a.length === b.length && a.every(near);
}"""


def hold_a_conversation(api):
    """Send a short conversation; return (id, minutes into the morning) per message."""
    chart = api.upload("build-times.png", bar_chart(width=420, height=130))
    log = api.upload("wake-2026-02-05.log", b"2026-02-05T22:14:03Z wake ok 200\n" * 96)
    morning = "Morning, team. Today's checklist: https://example.org/forest/checklist"
    review = "Reviewed the long-poll change: one nit on the backoff cap, else \u2713"
    thanks = "Great work, everyone \u2192 next up: identity tokens."
    script = [
        (0, "matthew", "all", morning, []),
        (3, "redwood", "cypress", review, []),
        (9, "cypress", "bigc", "Here is last night's wake log, as you asked.", [log]),
        (17, "cypress", "matthew", "Nightly build times:", [chart]),
        (24, "matthew", "all", thanks, []),
    ]
    sent = []
    for minutes, sender, to, text, files in script:
        sent.append((api.send(sender, to, text, files)["id"], minutes))
        if sender == "redwood":
            api.read("cypress")
            api.read("redwood")
    return sent


def pinned_time(sent, message_id):
    """Return the fixed time of a message; a CC copy takes its original's."""
    minutes = max(m for sent_id, m in sent if sent_id <= message_id)
    return (MORNING + timedelta(minutes=minutes)).isoformat()


def png_size(picture):
    width, height = struct.unpack(">II", picture[16:24])
    return width, height


def save(page, picture):
    """Write the picture to docs/ unless the saved one looks the same."""
    if SCREENSHOT.exists():
        saved = base64.b64encode(SCREENSHOT.read_bytes()).decode()
        taken = base64.b64encode(picture).decode()
        if page.evaluate(SAME_PICTURE, [saved, taken, NOISE]):
            return
    SCREENSHOT.write_bytes(picture)


@pytest.fixture
def fixed_morning_page(browser):
    context = browser.new_context(viewport=SIZE, locale="en-GB", timezone_id=ZONE)
    page = context.new_page()
    page.clock.set_fixed_time(LOOKED_AT)
    yield page
    context.close()


def test_screenshot_of_a_conversation(api, hub, fixed_morning_page):
    """The suite saves a 1280x920 screenshot of a conversation, the same every run."""
    sent = hold_a_conversation(api)
    page = fixed_morning_page

    def pin_times(route):
        answer = route.fetch()
        history = answer.json()
        for message in history:
            message["timestamp"] = pinned_time(sent, message["id"])
        route.fulfill(response=answer, json=history)

    page.route(re.compile(r"/api/messages\?limit="), pin_times)
    page.goto(hub.url)
    page.wait_for_selector("body.ready")
    expect(page.get_by_text("next up: identity tokens")).to_be_in_viewport()
    page.get_by_role("img", name="build-times.png").evaluate("img => img.decode()")
    page.locator("#log").evaluate("log => log.scrollTo(0, log.scrollHeight)")

    picture = page.screenshot(animations="disabled")
    save(page, picture)

    assert png_size(picture) == (SIZE["width"], SIZE["height"])
    assert png_size(SCREENSHOT.read_bytes()) == png_size(picture)
    expect(page.locator(".group-head time").last).to_have_text("09:16")
    expect(page.locator(".day").first).to_have_text("Today")
