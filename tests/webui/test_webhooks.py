"""The webhook panel: each bot's URL, strategy and token, never showing a token."""

import re
import time

import requests

from tests.servers import free_port

from .helpers import expect

TOKEN = "tok-9f3a-never-shown"
CYPRESS_HOOK = "http://127.0.0.1:18789/hooks/wake"
REDWOOD_HOOK = "http://127.0.0.1:18790/hooks/wake"


def open_panel(page, bot):
    page.get_by_role("button", name="Webhooks").click()
    panel = page.get_by_role("dialog", name="Bot webhooks")
    expect(panel).to_be_visible()
    return panel.get_by_role("group", name=bot)


def field(bot, label):
    return bot.get_by_label(label, exact=True)


def save(page, bot_name):
    """Press Save for bot_name and wait until the panel says it is saved."""
    open_form = page.get_by_role("group", name=bot_name)
    open_form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("group", name=bot_name).get_by_role("status")).to_have_text(
        "Saved"
    )
    return page.get_by_role("group", name=bot_name)


def test_panel_saves_url_and_strategy(api, open_page):
    """The URL and strategy saved in the panel are what the hub then holds."""
    page = open_page()
    cypress = open_panel(page, "cypress")
    field(cypress, "URL").fill("http://127.0.0.1:18789/hooks/agent")
    field(cypress, "Strategy").select_option("openclaw-agent")

    save(page, "cypress")

    saved = api.config()["cypress"]
    assert saved["url"] == "http://127.0.0.1:18789/hooks/agent"
    assert saved["strategy"] == "openclaw-agent"


def test_panel_shows_what_the_hub_holds(api, open_page):
    """Opening the panel shows each bot's saved URL and strategy."""
    api.set_config(target="redwood", url=REDWOOD_HOOK, strategy="json")
    page = open_page()

    redwood = open_panel(page, "redwood")

    expect(field(redwood, "URL")).to_have_value(REDWOOD_HOOK)
    expect(field(redwood, "Strategy")).to_have_value("json")


def test_strategy_choices_are_those_the_hub_offers(open_page):
    """The Strategy list holds what /api/strategies names, a plugin's included."""
    page = open_page()
    offered = ["json", "openclaw-agent", "openclaw-wake", "teamchat"]
    page.route(
        "**/api/strategies",
        lambda route: route.fulfill(json={"strategies": offered}),
    )

    redwood = open_panel(page, "redwood")

    options = field(redwood, "Strategy").locator("option")
    expect(options).to_have_count(5)
    assert options.evaluate_all("all => all.map(o => o.value)") == ["", *offered]


def test_saved_token_is_never_shown(api, open_page):
    """A token typed into the panel is saved, then cleared and never shown again."""
    page = open_page()
    redwood = open_panel(page, "redwood")
    field(redwood, "Token").fill(TOKEN)

    redwood = save(page, "redwood")

    expect(field(redwood, "Token")).to_have_value("")
    expect(field(redwood, "Token")).to_have_attribute("type", "password")
    expect(field(redwood, "Token")).to_have_attribute(
        "placeholder", "A token is saved (leave empty to keep it)"
    )
    assert api.config()["redwood"]["has_token"] is True
    page.reload()
    page.wait_for_selector("body.ready")
    open_panel(page, "redwood")
    assert TOKEN not in page.content()
    assert TOKEN not in page.evaluate("JSON.stringify(localStorage) + document.cookie")


def test_saving_without_a_token_keeps_the_saved_one(api, open_page):
    """Saving with the token field empty leaves the saved token as it was."""
    api.set_config(target="cypress", url=CYPRESS_HOOK, token="t")
    page = open_page()
    cypress = open_panel(page, "cypress")

    field(cypress, "Strategy").select_option("openclaw-wake")
    save(page, "cypress")

    assert api.config()["cypress"]["has_token"] is True


def test_saved_token_can_be_removed(api, open_page):
    """Ticking "Remove the saved token" and saving forgets the token."""
    api.set_config(target="cypress", url=CYPRESS_HOOK, token="t")
    page = open_page()
    cypress = open_panel(page, "cypress")

    field(cypress, "Remove the saved token").check()
    save(page, "cypress")

    assert api.config()["cypress"]["has_token"] is False


def test_refused_setting_shows_the_hubs_reason(hub, open_page):
    """A URL the hub refuses leaves the panel showing the hub's error text."""
    refusal = requests.post(
        f"{hub.url}/api/config",
        json={"target": "cypress", "url": "ftp://gateway/hooks/wake"},
        timeout=10,
    )
    page = open_page()
    cypress = open_panel(page, "cypress")
    field(cypress, "URL").fill("ftp://gateway/hooks/wake")

    cypress.get_by_role("button", name="Save").click()

    assert refusal.status_code == 400
    expect(cypress.get_by_role("status")).to_have_text(refusal.json()["error"])


def test_panel_shows_how_the_last_wake_went(api, open_page):
    """After a wake fails, the panel says so for that bot."""
    closed = f"http://127.0.0.1:{free_port()}/hooks/wake"
    api.set_config(target="redwood", url=closed, strategy="openclaw-wake")
    api.send("matthew", "redwood", "wake up")
    deadline = time.monotonic() + 30
    while api.config()["redwood"]["last_wake"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    page = open_page()

    redwood = open_panel(page, "redwood")

    expect(redwood.locator(".last-wake")).to_have_text(re.compile(r"^Wake failed "))


def test_escape_closes_the_panel(open_page):
    """Escape closes the webhook panel and gives the page back."""
    page = open_page()
    open_panel(page, "cypress")

    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog", name="Bot webhooks")).to_be_hidden()
