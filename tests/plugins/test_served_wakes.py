"""Wakes from the hub as served: the composed app, its settings and its API."""

import pytest
from falcon import testing

from forest_chat.adapters.compose import build_app, close_hub
from forest_chat.adapters.settings import load_settings

from .conftest import TOKEN


@pytest.fixture
def serve(tmp_path):
    """Return a factory of (API client, hub) built as the composition root does."""
    hubs = []

    def build(**overrides):
        settings = load_settings(data_dir=tmp_path, durable=False, **overrides)
        app, hub = build_app(settings)
        hubs.append(hub)
        return testing.TestClient(app), hub

    yield build
    for hub in hubs:
        close_hub(hub)


def wake_redwood(client, gateway, path="/hooks/agent", token=TOKEN):
    """Point redwood at gateway over the API and send it a message."""
    webhook = {"target": "redwood", "url": gateway.url(path), "token": token}
    configured = client.simulate_post("/api/config", json=webhook)
    body = {"from": "bigc", "to": "redwood", "message": "check the beams"}
    sent = client.simulate_post("/api/send", json=body)
    assert (configured.status_code, sent.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("overrides", "address"),
    [
        ({"port": 5123}, "http://127.0.0.1:5123"),
        ({"host": "0.0.0.0", "port": 8080}, "http://127.0.0.1:8080"),
        (
            {"port": 5123, "public_url": "https://hub.example.com/"},
            "https://hub.example.com",
        ),
    ],
)
def test_the_agent_prompt_names_the_hubs_address(serve, gateway, overrides, address):
    """The prompt's calls use public_url, else the address the hub is served at."""
    client, _ = serve(**overrides)

    wake_redwood(client, gateway)
    gateway.wait_for(1)

    prompt = gateway.received[0].json["message"]
    assert f"curl -s '{address}/api/read?for=redwood'" in prompt
    assert f"curl -s -X POST {address}/api/send " in prompt


def test_the_config_api_shows_the_last_wake(serve, gateway):
    """GET /api/config shows the outcome of the bot's last wake."""
    client, hub = serve()
    wake_redwood(client, gateway)
    gateway.wait_for(1)
    hub.waker.close()

    shown = client.simulate_get("/api/config").json["redwood"]["last_wake"]

    assert {k: shown[k] for k in ("ok", "attempts", "status", "error")} == {
        "ok": True,
        "attempts": 1,
        "status": 200,
        "error": None,
    }


def test_the_config_api_shows_why_a_wake_failed(serve, gateway):
    """A wake refused for a wrong token shows 401 and the gateway's words."""
    client, hub = serve()
    wake_redwood(client, gateway, token="wrong-token")
    gateway.wait_for(1)
    hub.waker.close()

    shown = client.simulate_get("/api/config").json["redwood"]["last_wake"]

    assert (shown["ok"], shown["attempts"], shown["status"]) == (False, 1, 401)
    assert shown["error"].startswith("HTTP 401")
    assert "wrong-token" not in client.simulate_get("/api/config").text


def test_a_plugin_disabled_in_the_settings_is_left_out(serve):
    """With signed-json disabled in the settings, the json strategy is refused."""
    client, _ = serve(disabled_plugins=["signed-json"])

    answer = client.simulate_post(
        "/api/config", json={"target": "redwood", "strategy": "json"}
    )

    assert answer.status_code == 400
    assert answer.json == {
        "error": "unknown strategy 'json'; known strategies are: "
        "openclaw-agent, openclaw-wake"
    }


def test_webhook_hosts_in_the_settings_refuse_other_hosts(serve, gateway):
    """With webhook_hosts set, the config API refuses a url naming another host."""
    client, _ = serve(webhook_hosts=("127.0.0.1",))
    elsewhere = {"target": "redwood", "url": "http://gateway.example/hooks/wake"}

    refused = client.simulate_post("/api/config", json=elsewhere)
    wake_redwood(client, gateway, path="/hooks/wake")
    gateway.wait_for(1)

    assert refused.status_code == 400
    assert "127.0.0.1" in refused.json["error"]
    assert len(gateway.received) == 1
