"""The built-in wake strategies: choice, payloads and signatures."""

import base64
import hashlib
import hmac
import json

import pytest

from forest_chat.core import BOT, Attachment, Message, Participant, Webhook
from forest_chat.plugins import (
    WakeRequest,
    bearer,
    encode_json,
    known_strategies,
    strategy_for,
)
from forest_chat.plugins.signed_json import sign

from .conftest import PUBLIC_URL

CYPRESS = Participant("cypress", BOT)


def message(text="the roof is done", sender="bigc", to="cypress", **extra):
    """Return a stored message from sender to to."""
    return Message(
        id=7,
        sender=sender,
        to=to,
        text=text,
        timestamp="2025-01-02T03:04:05.000006+00:00",
        delivered_to={"cypress": False},
        **extra,
    )


def wake_request(pm, webhook, about=None):
    """Ask pm's plugins for the request that wakes cypress through webhook."""
    return pm.hook.forest_chat_wake_request(
        participant=CYPRESS, message=about or message(), webhook=webhook
    )


@pytest.mark.parametrize(
    ("url", "strategy", "expected"),
    [
        ("http://gw:18789/hooks/wake", "", "openclaw-wake"),
        ("http://gw:18789/hooks/agent", "", "openclaw-agent"),
        ("http://gw:18789/hooks/agent/", "", "openclaw-agent"),
        ("http://gw:18789/hooks/agent?x=1", "", "openclaw-agent"),
        ("http://gw:18789/incoming", "", "openclaw-wake"),
        ("http://gw:18789/hooks/wake", "json", "json"),
    ],
)
def test_the_strategy_is_the_setting_then_the_url(url, strategy, expected):
    """A set strategy wins; else the URL's last segment; else openclaw-wake."""
    webhook = Webhook(url=url, strategy=strategy)

    chosen = strategy_for(webhook)

    assert chosen == expected


def test_the_built_ins_declare_their_strategies(pm):
    """The strategies hook lists every built-in strategy name."""
    names = known_strategies(pm)

    assert names == ["json", "openclaw-agent", "openclaw-wake"]


def test_a_disabled_plugin_takes_its_strategies_along(pm):
    """Unregistering signed-json removes the json strategy."""
    pm.unregister(name="signed-json")

    names = known_strategies(pm)

    assert names == ["openclaw-agent", "openclaw-wake"]


def test_openclaw_wake_posts_text_and_mode_to_the_url(pm):
    """openclaw-wake posts text and mode now, with a Bearer token."""
    webhook = Webhook(url="http://gw/hooks/wake", token="t0k")

    request = wake_request(pm, webhook)

    assert request.url == "http://gw/hooks/wake"
    assert request.headers == {"Authorization": "Bearer t0k"}
    assert request.json == {
        "text": "bigc wrote to cypress: the roof is done",
        "mode": "now",
    }


def test_no_token_means_no_authorization_header(pm):
    """A webhook without a token sends no Authorization header at all."""
    webhook = Webhook(url="http://gw/hooks/wake")

    request = wake_request(pm, webhook)

    assert "Authorization" not in request.headers


def test_openclaw_agent_has_no_session_key_and_does_not_deliver(pm):
    """openclaw-agent sends message, name, wakeMode now and deliver false only."""
    webhook = Webhook(url="http://gw/hooks/agent", token="t0k")

    request = wake_request(pm, webhook)

    assert {k: v for k, v in request.json.items() if k != "message"} == {
        "name": "Forest Chat",
        "wakeMode": "now",
        "deliver": False,
    }


def test_the_agent_prompt_says_how_to_read_and_reply(pm):
    """The prompt names the sender and gives curl calls at the public URL."""
    webhook = Webhook(url="http://gw/hooks/agent", token="t0k")

    prompt = wake_request(pm, webhook).json["message"]

    assert "bigc wrote to cypress" in prompt
    assert "the roof is done" in prompt
    assert f"curl -s '{PUBLIC_URL}/api/read?for=cypress'" in prompt
    reply = '{"from": "cypress", "to": "bigc", "message": "<your reply>"}'
    assert f"-X POST {PUBLIC_URL}/api/send" in prompt
    assert f"-d '{reply}'" in prompt


def test_a_long_message_is_cut_to_a_preview(pm):
    """A 100,000-character message makes a wake of a few hundred characters."""
    webhook = Webhook(url="http://gw/hooks/wake")
    long = message(text="é" * 100_000)

    request = wake_request(pm, webhook, long)

    assert len(request.json["text"]) <= 320
    assert request.json["text"].endswith("…")


@pytest.mark.parametrize("path", ["/hooks/wake", "/hooks/agent", "/json"])
def test_every_built_in_body_stays_far_below_the_gateway_limit(pm, path):
    """Even the largest message makes a wake body under 256 KiB."""
    strategy = "json" if path == "/json" else ""
    webhook = Webhook(url=f"http://gw{path}", token="t0k", strategy=strategy)
    huge = message(text="\u0001" * 100_000)

    request = wake_request(pm, webhook, huge)

    assert len(request.body()) < 256 * 1024


def test_a_preview_names_the_attachments(pm):
    """A message with only a file says which file in its wake."""
    webhook = Webhook(url="http://gw/hooks/wake")
    photo = Attachment("roof_1.png", "roof.png", "/api/files/roof_1.png", 10)
    with_file = message(text="", attachments=(photo,))

    request = wake_request(pm, webhook, with_file)

    assert request.json["text"] == "bigc wrote to cypress: [attachments: roof.png]"


def test_the_json_event_carries_the_message(pm):
    """The json strategy posts a message.created event for the bot."""
    webhook = Webhook(url="http://receiver/events", token="t0k", strategy="json")

    request = wake_request(pm, webhook)

    assert request.json["type"] == "message.created"
    assert request.json["data"]["bot"] == "cypress"
    assert request.json["data"]["message"] == "the roof is done"
    assert request.json["data"]["id"] == 7


def test_the_json_signature_verifies_with_the_token(pm):
    """webhook-signature is the HMAC-SHA256 of id.timestamp.body under the token."""
    webhook = Webhook(url="http://receiver/events", token="t0k", strategy="json")

    request = wake_request(pm, webhook)

    headers = request.headers
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode()
    digest = hmac.new(b"t0k", signed + request.body(), hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    assert headers["Authorization"] == "Bearer t0k"


def test_a_whsec_token_signs_with_its_decoded_key():
    """A Standard Webhooks ``whsec_`` secret is base64-decoded to make the key."""
    key = b"sixteen byte key"
    secret = "whsec_" + base64.b64encode(key).decode()

    signature = sign(secret, "msg_1", "1700000000", b"{}")

    digest = hmac.new(key, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert signature == "v1," + base64.b64encode(digest).decode()


def test_a_whsec_token_without_padding_signs_with_its_decoded_key():
    """A ``whsec_`` secret whose base64 lacks its ``=`` padding still decodes."""
    key = b"twenty byte key 0001"
    unpadded = base64.b64encode(key).decode().rstrip("=")

    signature = sign("whsec_" + unpadded, "msg_1", "1700000000", b"{}")

    digest = hmac.new(key, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert signature == "v1," + base64.b64encode(digest).decode()


@pytest.mark.parametrize("secret", ["whsec_not*base64", "whsec_"])
def test_a_whsec_token_that_is_no_key_signs_as_written(secret):
    """A ``whsec_`` secret that decodes to no key is used byte for byte."""
    signature = sign(secret, "msg_1", "1700000000", b"{}")

    digest = hmac.new(secret.encode(), b"msg_1.1700000000.{}", hashlib.sha256)
    assert signature == "v1," + base64.b64encode(digest.digest()).decode()


def test_the_signed_body_is_what_is_sent(pm):
    """The body the sender posts is the compact JSON the signature covers."""
    webhook = Webhook(url="http://receiver/events", token="t0k", strategy="json")

    request = wake_request(pm, webhook)

    assert request.body() == encode_json(request.json)
    assert json.loads(request.body()) == request.json


def test_no_plugin_answers_for_an_unknown_strategy(pm):
    """A strategy nobody declares gets no wake request."""
    webhook = Webhook(url="http://gw/hooks/wake", strategy="carrier-pigeon")

    request = wake_request(pm, webhook)

    assert request is None


def test_a_wake_request_shows_no_token():
    """The repr of a WakeRequest names its headers but not their values."""
    webhook = Webhook(url="http://gw/hooks/wake", token="t0k-secret")

    request = WakeRequest(webhook.url, bearer(webhook.token), {"text": "hi"})

    assert "t0k-secret" not in repr(request)
    assert "Authorization" in repr(request)
