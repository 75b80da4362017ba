"""The conversation: history, live arrival, the composer, ticks and CC copies."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import requests

from .helpers import expect, leaf_green, png


def bubble(page, text):
    return page.locator(".msg", has_text=text)


def test_history_shows_on_load(api, open_page):
    """Messages stored before the page opens are shown when it loads."""
    api.send("cypress", "matthew", "history one: the store is ready")
    api.send("bigc", "redwood", "history two: thank you")

    page = open_page()

    expect(bubble(page, "history one: the store is ready")).to_be_visible()
    expect(bubble(page, "history two: thank you")).to_be_visible()


def test_group_is_headed_by_sender_arrow_and_recipient(api, open_page):
    """A group names its sender and recipient around a real arrow."""
    api.send("redwood", "bigc", "arrow check")

    page = open_page()

    group = page.locator(".group", has_text="arrow check")
    expect(group.locator(".who")).to_have_text("redwood")
    expect(group.locator(".arrow")).to_have_text("\u2192")
    expect(group.locator(".whom")).to_have_text("bigc")


def test_consecutive_messages_share_one_group(api, open_page):
    """Messages in a row from one sender to one recipient form one group."""
    api.send("bigc", "cypress", "group first")
    api.send("bigc", "cypress", "group second")

    page = open_page()

    group = page.locator(".group", has_text="group first")
    expect(group.locator(".msg")).to_have_count(2)
    expect(group.locator(".avatar")).to_have_text("B")


def avatar_colour(page, text):
    avatar = page.locator(".group", has_text=text).locator(".avatar")
    return avatar.evaluate("node => getComputedStyle(node).backgroundColor")


def test_each_sender_keeps_one_avatar_colour(api, open_page):
    """Groups from one sender share an avatar colour; another sender has another."""
    api.send("cypress", "bigc", "colour one")
    api.send("redwood", "bigc", "colour two")
    api.send("cypress", "bigc", "colour three")

    page = open_page()

    first = avatar_colour(page, "colour one")
    assert avatar_colour(page, "colour three") == first
    assert avatar_colour(page, "colour two") != first


def test_text_shows_exactly_as_sent_in_utf8(api, open_page):
    """Arrows, ticks, accents and CJK show as sent, with no mojibake."""
    text = "utf8 \u2192 \u2713 \u00fcber \u6f22\u5b57 \U0001f332"
    api.send("matthew", "all", text)

    page = open_page()

    expect(bubble(page, "utf8").locator(".text")).to_have_text(text)


def test_timestamps_show_in_local_time(browser, hub, api):
    """A message's time is shown in the reader's time zone, not in UTC."""
    stored = api.send("bigc", "all", "clock check")
    zone = "Asia/Kolkata"
    local = datetime.fromisoformat(stored["timestamp"]).astimezone(ZoneInfo(zone))
    context = browser.new_context(timezone_id=zone, locale="en-GB")

    try:
        page = context.new_page()
        page.goto(hub.url)
        group = page.locator(".group", has_text="clock check")
        stamp = group.locator(".group-head time")
        expect(stamp).to_have_text(local.strftime("%H:%M"))
    finally:
        context.close()


def test_message_sent_through_the_api_appears_without_reload(api, open_page):
    """A message another client sends shows up on an open page by itself."""
    page = open_page()
    page.evaluate("window.__sameDocument = true")

    api.send("cypress", "all", "live arrival")

    expect(bubble(page, "live arrival")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True


def test_live_updates_are_long_polls(api, page, open_page):
    """The page learns of new messages by long-polls that ask with since and wait."""
    polls = []
    page.on(
        "request",
        lambda request: polls.append(request.url) if "since=" in request.url else None,
    )
    open_page()

    api.send("bigc", "all", "long-poll arrival")

    expect(bubble(page, "long-poll arrival")).to_be_visible()
    assert 1 <= len(polls) <= 2, polls
    for url in polls:
        assert re.search(r"[?&]since=\d+&wait=25$", url), url


def test_new_message_scrolls_into_view_for_a_reader_at_the_bottom(api, open_page):
    """A reader at the bottom of the conversation follows new messages."""
    for number in range(25):
        api.send("redwood", "all", f"filler {number}\nsecond line\nthird line")
    page = open_page()

    api.send("cypress", "all", "follow me")

    expect(bubble(page, "follow me")).to_be_in_viewport()


def test_reader_scrolled_up_stays_put_and_sees_a_pill(api, open_page):
    """A reader who scrolled up is not moved; a pill offers the new messages."""
    for number in range(25):
        api.send("redwood", "all", f"padding {number}\nsecond line\nthird line")
    page = open_page()
    log = page.locator("#log")
    log.evaluate("log => log.scrollTo(0, 0)")
    page.wait_for_function("document.getElementById('log').scrollTop === 0")

    api.send("cypress", "all", "while you were away")

    pill = page.get_by_role("button", name=re.compile("new message"))
    expect(pill).to_have_text("1 new message \u2193")
    assert log.evaluate("log => log.scrollTop") == 0
    pill.click()
    expect(bubble(page, "while you were away")).to_be_in_viewport()
    expect(pill).to_be_hidden()


def test_an_image_loading_as_the_reader_scrolls_up_does_not_pull_them_back(
    api, open_page
):
    """An image that finishes loading before the scroll is reported keeps it."""
    for number in range(25):
        api.send("redwood", "all", f"filler {number}\nsecond line\nthird line")
    picture = api.upload("late.png", png(48, 32, leaf_green))
    api.send("cypress", "all", "a late picture", attachments=[picture])
    page = open_page()
    image = page.get_by_role("img", name="late.png")
    image.evaluate("img => img.decode()")

    # One task: the scroll event comes after the image's load handler runs.
    page.locator("#log").evaluate(
        """log => {
            log.scrollTop = 0;
            log.querySelector('img[alt="late.png"]').dispatchEvent(new Event("load"));
        }"""
    )
    api.send("bigc", "all", "meanwhile")

    pill = page.get_by_role("button", name=re.compile("new message"))
    expect(pill).to_have_text("1 new message \u2193")
    assert page.locator("#log").evaluate("log => log.scrollTop") == 0


def test_count_goes_up_when_a_message_arrives(api, open_page):
    """The message count in the header counts a newly arrived message."""
    page = open_page()
    shown = page.locator(".msg").count()
    expect(page.locator("#count")).to_have_text(f"{shown} messages")

    api.send("bigc", "all", "one more")

    expect(page.locator("#count")).to_have_text(f"{shown + 1} messages")


def test_composer_sends_from_and_to_the_chosen_participants(api, open_page):
    """From and To in the composer become the stored message's from and to."""
    page = open_page()
    page.get_by_label("From", exact=True).select_option("bigc")
    page.get_by_label("To", exact=True).select_option("redwood")
    page.get_by_label("Message", exact=True).fill("composer check")

    page.get_by_role("button", name="Send", exact=True).click()

    expect(bubble(page, "composer check")).to_be_visible()
    stored = api.last_message()
    assert (stored["from"], stored["to"], stored["message"]) == (
        "bigc",
        "redwood",
        "composer check",
    )


def test_from_and_to_are_remembered_after_a_reload(open_page):
    """The From and To last chosen are chosen again when the page reloads."""
    page = open_page()
    page.get_by_label("From", exact=True).select_option("bigc")
    page.get_by_label("To", exact=True).select_option("cypress")

    page.reload()
    page.wait_for_selector("body.ready")

    expect(page.get_by_label("From", exact=True)).to_have_value("bigc")
    expect(page.get_by_label("To", exact=True)).to_have_value("cypress")


def test_enter_sends_the_message(api, open_page):
    """Enter in the message box sends what it holds and empties it."""
    page = open_page()
    box = page.get_by_label("Message", exact=True)
    box.fill("sent by enter")

    box.press("Enter")

    expect(bubble(page, "sent by enter")).to_be_visible()
    expect(box).to_have_value("")
    assert api.last_message()["message"] == "sent by enter"


def test_shift_enter_breaks_the_line_without_sending(api, open_page):
    """Shift+Enter puts a new line in the box, and Enter then sends both lines."""
    page = open_page()
    box = page.get_by_label("Message", exact=True)
    box.press_sequentially("alpha line")

    box.press("Shift+Enter")
    box.press_sequentially("omega line")

    expect(box).to_have_value("alpha line\nomega line")
    box.press("Enter")
    expect(bubble(page, "omega line")).to_be_visible()
    assert api.last_message()["message"] == "alpha line\nomega line"


def test_refused_send_shows_the_hubs_reason(hub, open_page):
    """When the hub refuses a message, the page shows the hub's own error text."""
    too_long = "x" * 100_001
    refusal = requests.post(
        f"{hub.url}/api/send",
        json={"from": "matthew", "to": "all", "message": too_long},
        timeout=10,
    )
    page = open_page()
    page.get_by_label("Message", exact=True).fill(too_long)

    page.get_by_role("button", name="Send", exact=True).click()

    assert refusal.status_code == 400
    expect(page.get_by_role("alert")).to_have_text(refusal.json()["error"])


def test_copy_button_copies_the_message_text(api, open_page):
    """The Copy button puts the message's text on the clipboard."""
    text = "copy me \u2192 exactly\nwith two lines"
    api.send("cypress", "matthew", text)
    page = open_page()

    bubble(page, "copy me").get_by_role("button", name="Copy").click()

    expect(bubble(page, "copy me").locator(".copy")).to_have_text("Copied \u2713")
    assert page.evaluate("navigator.clipboard.readText()") == text


def test_delivery_ticks_follow_what_a_bot_fetched(api, open_page):
    """A tick turns to fetched once the bot has read the message through the API."""
    page = open_page()
    api.send("matthew", "cypress", "tick check")
    ticks = bubble(page, "tick check").locator(".tick")
    expect(ticks).to_have_text(["cypress \u2713"])

    api.read("cypress")
    api.send("cypress", "matthew", "thanks for the tick")

    expect(ticks).to_have_text(["cypress \u2713\u2713"])
    expect(ticks).to_have_class("tick fetched")


def test_cc_copy_in_history_is_collapsed_onto_its_original(api, open_page):
    """A CC copy already stored shows as a mark on its original, not as a bubble."""
    api.send("cypress", "redwood", "cc in history")

    page = open_page()

    expect(bubble(page, "cc in history")).to_have_count(1)
    expect(bubble(page, "cc in history").locator(".cc")).to_have_text(
        "CC matthew \u2713"
    )


def test_cc_copy_arriving_live_is_collapsed_onto_its_original(api, open_page):
    """A CC copy that arrives while the page is open joins its original."""
    page = open_page()

    api.send("redwood", "cypress", "cc arriving live")

    expect(bubble(page, "cc arriving live").locator(".cc")).to_have_text(
        "CC matthew \u2713"
    )
    expect(bubble(page, "cc arriving live")).to_have_count(1)
    expect(page.get_by_text("[CC:")).to_have_count(0)


def test_cc_copy_without_its_original_shows_on_its_own(api, page, open_page):
    """A CC copy whose original is not on the page shows once, labelled as a copy."""
    api.send("redwood", "cypress", "cc whose original is gone")
    original = api.last_message()["id"] - 1

    def drop_original(route):
        answer = route.fetch()
        history = [m for m in answer.json() if m["id"] != original]
        route.fulfill(response=answer, json=history)

    page.route(re.compile(r"/api/messages\?limit="), drop_original)
    open_page()

    copy = bubble(page, "cc whose original is gone")
    expect(copy).to_have_count(1)
    expect(copy.locator(".cc-label")).to_have_text("CC of a message to cypress")
    expect(copy.locator(".text")).to_have_text("cc whose original is gone")


def test_status_shows_offline_then_recovers(api, open_page):
    """When polls fail the status says so, and the page catches up once they work."""
    page = open_page()
    status = page.locator("#status")
    expect(status).to_have_attribute("data-state", "live")
    page.route(re.compile(r"/api/messages\?since="), lambda route: route.abort())
    api.send("bigc", "all", "just before the outage")
    expect(status).to_have_attribute("data-state", "offline")

    page.unroute(re.compile(r"/api/messages\?since="))
    api.send("bigc", "all", "after the outage")

    expect(bubble(page, "after the outage")).to_be_visible(timeout=20_000)
    expect(status).to_have_attribute("data-state", "live")


def test_page_loads_without_console_errors(page, hub):
    """Loading the page logs no errors, so no Content-Security-Policy violations."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(hub.url)
    page.wait_for_selector("body.ready")

    assert errors == []


def test_message_box_grows_with_its_text_and_shrinks_after_sending(open_page):
    """The message box grows line by line, and is one line again once sent."""
    page = open_page()
    box = page.get_by_label("Message", exact=True)
    one_line = box.bounding_box()["height"]

    box.fill("grows one\ngrows two\ngrows three\ngrows four")
    box.dispatch_event("input")

    grown = box.bounding_box()["height"]
    assert grown > one_line * 2
    box.press("Enter")
    expect(bubble(page, "grows four")).to_be_visible()
    expect(box).to_have_value("")
    assert box.bounding_box()["height"] == one_line


def test_slash_focuses_the_message_box(open_page):
    """Pressing / anywhere outside a field puts the cursor in the message box."""
    page = open_page()
    page.locator("#log").focus()

    page.keyboard.press("/")

    expect(page.get_by_label("Message", exact=True)).to_be_focused()
    expect(page.get_by_label("Message", exact=True)).to_have_value("")


def test_page_never_marks_messages_read(api, page, open_page):
    """The page reads history only; it never calls /api/read, which marks delivery."""
    calls = []
    page.on("request", lambda request: calls.append(request.url))
    open_page()

    page.get_by_label("Message", exact=True).fill("the page marks nothing")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(bubble(page, "the page marks nothing")).to_be_visible()
    assert [url for url in calls if "/api/read" in url] == []
    assert set(api.last_message()["delivered_to"].values()) == {False}
