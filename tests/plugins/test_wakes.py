"""Waking bots over real HTTP: a Hub, the built-in plugins, HTTPWaker, a gateway."""

import base64
import hashlib
import hmac
import logging
from datetime import datetime

import pytest

from forest_chat.core.errors import InvalidWebhook
from forest_chat.plugins import WakeRequest, bearer, hookimpl, make_plugin_manager

from .conftest import PUBLIC_URL, TOKEN


def test_openclaw_wake_is_accepted_by_the_gateway(make_rig, gateway):
    """A wake to /hooks/wake names the sender and a preview, and gets 200."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))

    rig.hub.send("bigc", "cypress", "the roof is done")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    assert received.json == {
        "text": "bigc wrote to cypress: the roof is done",
        "mode": "now",
    }
    assert received.status == 200


def test_openclaw_agent_is_accepted_by_the_gateway(make_rig, gateway):
    """An agent wake carries a prompt, no sessionKey, and gets 200."""
    rig = make_rig()
    rig.webhook("redwood", gateway.url("/hooks/agent"))

    rig.hub.send("matthew", "redwood", "check the beams")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    assert received.status == 200
    assert sorted(received.json) == ["deliver", "message", "name", "wakeMode"]
    assert received.json["deliver"] is False
    assert f"{PUBLIC_URL}/api/read?for=redwood" in received.json["message"]


def test_token_travels_in_the_header_never_in_the_url(make_rig, gateway):
    """The bot's token is sent as a Bearer header and the URL has no query."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    assert received.headers["Authorization"] == f"Bearer {TOKEN}"
    assert received.query == {}
    assert TOKEN not in received.path


def test_retries_after_server_errors_then_succeeds(make_rig, gateway):
    """Two 500s are retried and the third attempt's 200 is recorded."""
    rig = make_rig(retries=3)
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    gateway.fail_next(2, status=500)

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    assert [r.status for r in gateway.received] == [500, 500, 200]
    assert rig.last_wake("cypress").attempts == 3
    assert rig.last_wake("cypress").ok is True


def test_gives_up_after_the_retry_limit(make_rig, gateway):
    """A gateway that keeps failing is tried retries + 1 times, then given up."""
    rig = make_rig(retries=2)
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    gateway.fail_next(10, status=503)

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    outcome = rig.last_wake("cypress")
    assert len(gateway.received) == 3
    assert (outcome.ok, outcome.attempts, outcome.status) == (False, 3, 503)
    assert "503" in outcome.error


def test_a_client_error_is_final(make_rig, gateway):
    """A 401 for a wrong token is not retried."""
    rig = make_rig(retries=3)
    rig.webhook("cypress", gateway.url("/hooks/wake"), token="wrong-token")

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    outcome = rig.last_wake("cypress")
    assert len(gateway.received) == 1
    assert (outcome.ok, outcome.attempts, outcome.status) == (False, 1, 401)


def test_too_many_requests_waits_as_retry_after_asks(make_rig, gateway):
    """After a 429 with Retry-After: 1 the next attempt comes a second later."""
    rig = make_rig(backoff=0.001)
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    gateway.fail_next(1, status=429, headers={"Retry-After": "1"})

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    first, second = gateway.received
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.95
    assert rig.last_wake("cypress").attempts == 2


def test_a_slow_gateway_does_not_slow_a_send(make_rig, gateway):
    """Send returns while the gateway is still holding the wake unanswered."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    gateway.slow(60)

    message = rig.hub.send("bigc", "cypress", "hello")
    arrived = gateway.wait_for(1)
    held = [r.status for r in gateway.received]
    gateway.release()
    rig.outcomes.wait_for(1)

    assert message.id == 1
    assert arrived
    assert held == [None]
    assert rig.last_wake("cypress").ok is True


def test_a_broadcast_wakes_every_bot_with_a_webhook(make_rig, gateway):
    """A message to all wakes both bots once each."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    rig.webhook("redwood", gateway.url("/hooks/agent"))

    sent = rig.hub.deliver("bigc", "all", "lunch is here")
    rig.outcomes.wait_for(2)

    assert sorted(sent.woken) == ["cypress", "redwood"]
    assert sorted(name for name, _ in rig.outcomes.seen) == ["cypress", "redwood"]
    assert sorted(r.path for r in gateway.received) == ["/hooks/agent", "/hooks/wake"]


def test_the_sender_is_never_woken_by_its_own_message(make_rig, gateway):
    """A bot's broadcast wakes the other bot only."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    rig.webhook("redwood", gateway.url("/hooks/wake"))

    rig.hub.send("cypress", "all", "I am done")
    rig.waker.close()

    assert [name for name, _ in rig.outcomes.seen] == ["redwood"]
    assert len(gateway.received) == 1


def test_last_wake_is_recorded_with_the_webhook(make_rig, gateway):
    """The store keeps ok, at, attempts, status and error of the last wake."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"))

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    shown = rig.hub.webhooks()["cypress"].public()["last_wake"]
    assert {k: shown[k] for k in ("ok", "attempts", "status", "error")} == {
        "ok": True,
        "attempts": 1,
        "status": 200,
        "error": None,
    }
    assert datetime.fromisoformat(shown["at"]).utcoffset().total_seconds() == 0


def test_a_json_event_arrives_signed_over_the_bytes_received(make_rig, gateway):
    """The webhook-signature a receiver gets verifies against the raw body."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"), strategy="json")

    rig.hub.send("bigc", "cypress", "grüße ✓")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    headers = received.headers
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode()
    digest = hmac.new(TOKEN.encode(), signed + received.body, hashlib.sha256)
    expected = "v1," + base64.b64encode(digest.digest()).decode()
    assert headers["webhook-signature"] == expected
    assert received.json["data"]["message"] == "grüße ✓"


def test_a_retried_json_event_keeps_its_id_and_signature(make_rig, gateway):
    """A retry sends the same webhook-id, so a receiver can drop duplicates."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"), strategy="json")
    gateway.fail_next(1, status=502)

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    first, second = [r.headers for r in gateway.received]
    assert first["webhook-id"] == second["webhook-id"]
    assert first["webhook-signature"] == second["webhook-signature"]


def test_the_strategy_setting_overrides_the_url(make_rig, gateway):
    """A bot set to openclaw-agent gets an agent body even at a /wake URL."""
    rig = make_rig()
    rig.webhook("cypress", gateway.url("/hooks/wake"), strategy="openclaw-agent")

    rig.hub.send("bigc", "cypress", "hello")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    assert "message" in received.json
    assert received.status == 400


def test_an_unknown_strategy_is_refused_with_the_known_ones(make_rig):
    """Setting a strategy no plugin declares fails and lists those there are."""
    rig = make_rig()

    with pytest.raises(InvalidWebhook) as refused:
        rig.hub.set_webhook("cypress", strategy="carrier-pigeon")

    assert "json, openclaw-agent, openclaw-wake" in str(refused.value)


def test_a_third_party_strategy_changes_what_the_gateway_gets(make_rig, gateway):
    """A plugin's own strategy is accepted by the hub and builds the wake."""

    class Shout:
        @hookimpl
        def forest_chat_wake_strategies(self):
            return ["shout"]

        @hookimpl
        def forest_chat_wake_request(self, participant, message, webhook):
            if webhook.strategy != "shout":
                return None
            body = {"text": message.text.upper()}
            return WakeRequest(webhook.url, bearer(webhook.token), body)

    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(Shout(), name="shout")
    rig = make_rig(pm)
    rig.webhook("cypress", gateway.url("/hooks/wake"), strategy="shout")

    rig.hub.send("bigc", "cypress", "wake up")
    rig.outcomes.wait_for(1)

    assert gateway.received[0].json == {"text": "WAKE UP"}


def test_logs_never_contain_the_token(make_rig, gateway, caplog):
    """Attempts, retries and failures are logged without the bot's token."""
    caplog.set_level(logging.DEBUG)
    rig = make_rig(retries=1)
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    rig.webhook("redwood", gateway.url("/hooks/wake"), strategy="json")
    gateway.fail_next(2, status=500)

    rig.hub.send("bigc", "all", "hello")
    rig.outcomes.wait_for(2)

    assert "wake of cypress" in caplog.text
    assert "wake of redwood" in caplog.text
    assert TOKEN not in caplog.text
