"""forest-chat bridge end to end: a running hub, the bridge, a fake OpenClaw gateway."""

import signal
import time

import pytest

from tests.gateway import FakeGateway

TOKEN = "gateway-s3cret"


@pytest.fixture
def gateway():
    """A local server holding the OpenClaw hooks contract."""
    with FakeGateway(token=TOKEN) as server:
        yield server


@pytest.fixture
def bridge(spawn, hub, client):
    """Start a bridge for cypress with extra arguments, once it is listening."""

    def start(*extra, hook_url):
        client.read("cypress")
        command = spawn(
            "bridge",
            "--for",
            "cypress",
            "--url",
            hub.url,
            "--openclaw-url",
            hook_url,
            "--token",
            TOKEN,
            "--wait",
            "2",
            *extra,
        )
        wait_until(lambda: "bridge for cypress: from" in command.stderr())
        return command

    return start


def wait_until(condition, timeout=15):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_bridge_wakes_the_gateway_for_a_message(bridge, gateway, client):
    """A message to the bot becomes one POST /hooks/wake with the token in a header."""
    bridge(hook_url=gateway.url("/hooks/wake"))

    client.send("bigc", "cypress", "hello through the bridge")

    assert gateway.wait_answered(1)
    woken = gateway.received[0]
    assert woken.path == "/hooks/wake"
    assert woken.headers["Authorization"] == f"Bearer {TOKEN}"
    assert woken.query == {}
    assert woken.json == {
        "text": "bigc wrote to cypress: hello through the bridge",
        "mode": "now",
    }
    assert woken.status == 200


def test_bridge_leaves_the_message_for_the_bot_to_read(bridge, gateway, client):
    """After the wake the message is still unread, so the woken agent can read it."""
    bridge(hook_url=gateway.url("/hooks/wake"))

    sent = client.send("bigc", "cypress", "read me yourself")
    assert gateway.wait_answered(1)

    assert [m.id for m in client.read("cypress", mark=False)] == [sent.id]


def test_bridge_sends_the_agent_prompt_to_hooks_agent(bridge, gateway, client, hub):
    """A /hooks/agent URL gets the agent body, telling the hub's address to read."""
    bridge(hook_url=gateway.url("/hooks/agent"))

    client.send("bigc", "all", "status report please")

    assert gateway.wait_answered(1)
    body = gateway.received[0].json
    assert gateway.received[0].status == 200
    assert body["name"] == "Forest Chat"
    assert (body["wakeMode"], body["deliver"]) == ("now", False)
    assert "sessionKey" not in body
    assert "status report please" in body["message"]
    assert f"{hub.url}/api/read?for=cypress" in body["message"]


def test_bridge_strategy_flag_wins_over_the_url(bridge, gateway, client):
    """--strategy openclaw-agent sends the agent body whatever the URL ends with."""
    bridge("--strategy", "openclaw-agent", hook_url=gateway.url("/hooks/agent"))

    client.send("bigc", "cypress", "by flag")

    assert gateway.wait_answered(1)
    assert "message" in gateway.received[0].json


def test_bridge_retries_a_failing_gateway(bridge, gateway, client):
    """A gateway answering 503 twice is tried again until it answers 200."""
    command = bridge(hook_url=gateway.url("/hooks/wake"))
    gateway.fail_next(2, status=503)

    sent = client.send("bigc", "cypress", "try again")

    assert gateway.wait_answered(3, timeout=15)
    assert [r.status for r in gateway.received] == [503, 503, 200]
    wait_until(lambda: f"message {sent.id} from bigc: woke" in command.stderr())
    assert "(HTTP 200, 3 attempt(s))" in command.stderr()


def test_bridge_logs_a_wake_that_keeps_failing_and_goes_on(bridge, gateway, client):
    """A wake failing every retry is logged, and the next message is still woken."""
    command = bridge("--retries", "1", hook_url=gateway.url("/hooks/wake"))
    gateway.fail_next(2, status=500)

    lost = client.send("bigc", "cypress", "unlucky")
    wait_until(lambda: f"message {lost.id} from bigc: could not" in command.stderr())
    client.send("bigc", "cypress", "lucky")

    assert gateway.wait_answered(3)
    assert [r.status for r in gateway.received] == [500, 500, 200]


def test_bridge_wakes_for_messages_unread_when_it_starts(spawn, hub, client, gateway):
    """Messages the bot has not read when the bridge starts are woken for too."""
    client.read("cypress")
    client.send("bigc", "cypress", "while you were away")

    spawn(
        "bridge",
        "--for",
        "cypress",
        "--url",
        hub.url,
        "--openclaw-url",
        gateway.url("/hooks/wake"),
        "--token",
        TOKEN,
    )

    assert gateway.wait_answered(1, timeout=15)
    assert gateway.received[0].json["text"].endswith("while you were away")


def test_bridge_wakes_only_for_the_bots_messages(bridge, gateway, client):
    """Messages to others, and the bot's own, wake nothing."""
    bridge(hook_url=gateway.url("/hooks/wake"))

    client.send("bigc", "redwood", "not for cypress")
    client.send("cypress", "bigc", "from cypress")
    client.send("bigc", "cypress", "for cypress")

    assert gateway.wait_answered(1)
    assert not gateway.wait_for(2, timeout=2)
    assert gateway.received[0].json["text"].endswith("for cypress")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_bridge_stops_cleanly(bridge, gateway, signum):
    """SIGTERM or Ctrl-C stops the bridge with exit 0, a log line, no traceback."""
    command = bridge(hook_url=gateway.url("/hooks/wake"))

    code = command.stop(signum)

    assert code == 0
    assert "bridge for cypress stopped" in command.stderr()
    assert "Traceback" not in command.stderr()


def test_bridge_stopped_mid_wake_finishes_that_wake_first(bridge, gateway, client):
    """Ctrl-C while the gateway is still answering a wake lets that wake finish."""
    command = bridge(hook_url=gateway.url("/hooks/wake"))
    gateway.slow(2)
    client.send("bigc", "cypress", "are you there?")
    assert gateway.wait_for(1)

    code = command.stop(signal.SIGINT)

    assert code == 0
    assert [r.status for r in gateway.received] == [200]
    assert "bridge for cypress stopped" in command.stderr()
    assert "Traceback" not in command.stderr()


def test_bridge_never_logs_the_token(bridge, gateway, client):
    """The gateway token appears in no log line, even when wakes fail."""
    command = bridge("--retries", "0", hook_url=gateway.url("/hooks/wake"))
    gateway.fail_next(1, status=500)

    client.send("bigc", "cypress", "log me")
    assert gateway.wait_answered(1)
    wait_until(lambda: "could not wake" in command.stderr())
    command.stop()

    assert TOKEN not in command.stderr()


def test_bridge_refuses_a_token_in_the_url(spawn, hub):
    """A ?token= in --openclaw-url is a usage error: exit 2, nothing started."""
    command = spawn(
        "bridge",
        "--for",
        "cypress",
        "--url",
        hub.url,
        "--openclaw-url",
        "http://127.0.0.1:9/hooks/wake?token=abc",
        "--token",
        "t",
    )

    assert command.process.wait(timeout=30) == 2
    assert "put the gateway's token in --token" in command.stderr()


def test_bridge_needs_a_token(spawn, hub):
    """Without --token or OPENCLAW_HOOKS_TOKEN the bridge exits 2."""
    command = spawn(
        "bridge",
        "--for",
        "cypress",
        "--url",
        hub.url,
        "--openclaw-url",
        "http://127.0.0.1:9/hooks/wake",
        env={"OPENCLAW_HOOKS_TOKEN": ""},
    )

    assert command.process.wait(timeout=30) == 2
    assert "token is needed" in command.stderr()


def test_bridge_takes_the_token_from_the_environment(spawn, hub, client, gateway):
    """OPENCLAW_HOOKS_TOKEN stands in for --token."""
    client.read("cypress")
    spawn(
        "bridge",
        "--for",
        "cypress",
        "--url",
        hub.url,
        "--openclaw-url",
        gateway.url("/hooks/wake"),
        env={"OPENCLAW_HOOKS_TOKEN": TOKEN},
    )

    client.send("bigc", "cypress", "by environment")

    assert gateway.wait_answered(1, timeout=15)
    assert gateway.received[0].status == 200


def test_bridge_for_an_unknown_name_exits_1(spawn, hub, gateway):
    """A name the hub does not know ends the bridge with the hub's reason."""
    command = spawn(
        "bridge",
        "--for",
        "nobody",
        "--url",
        hub.url,
        "--openclaw-url",
        gateway.url("/hooks/wake"),
        "--token",
        TOKEN,
    )

    assert command.process.wait(timeout=30) == 1
    assert "forest-chat bridge: unknown reader 'nobody'" in command.stderr()
