"""HTTPWaker, the webhook sender: pool, limits, failures and shutdown."""

import logging
import socket
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from forest_chat.adapters.wake import HTTPWaker, _retry_after
from forest_chat.core import BOT, Message, Participant, Webhook
from forest_chat.plugins import WakeRequest, hookimpl, make_plugin_manager
from tests.gateway import FakeGateway, Outcomes

TOKEN = "wake-token-81c2"
CYPRESS = Participant("cypress", BOT)
MESSAGE = Message(
    id=1,
    sender="bigc",
    to="cypress",
    text="hello",
    timestamp="2025-01-02T03:04:05+00:00",
    delivered_to={"cypress": False},
)


@pytest.fixture
def gateway():
    """Run a fake OpenClaw gateway that expects TOKEN."""
    with FakeGateway(token=TOKEN) as running:
        yield running


@pytest.fixture
def outcomes():
    return Outcomes()


@pytest.fixture
def make_waker(outcomes):
    """Return a factory of HTTPWakers on the built-in plugins, closed after."""
    wakers = []

    def build(pm=None, **options):
        pm = pm or make_plugin_manager(load_entrypoints=False)
        settings = {"backoff": 0.01, "timeout": 5, **options}
        waker = HTTPWaker(pm, on_outcome=outcomes, **settings)
        wakers.append(waker)
        return waker

    yield build
    for waker in wakers:
        waker.close()


def webhook_to(gateway, path="/hooks/wake", **fields):
    return Webhook(url=gateway.url(path), token=TOKEN, **fields)


def wake_threads():
    return [t for t in threading.enumerate() if t.name.startswith("forest-chat-wake")]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_hundred_wakes_to_a_hung_gateway_use_at_most_max_workers(
    make_waker, gateway, outcomes
):
    """However many wakes wait, no more than max_workers threads send them."""
    waker = make_waker(max_workers=4)
    gateway.slow(60)

    for _ in range(100):
        waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    gateway.wait_for(4)
    threads = len(wake_threads())
    gateway.release()
    outcomes.wait_for(100)

    assert threads == 4
    assert gateway.peak_in_flight == 4
    assert len(gateway.received) == 100


def test_wakes_beyond_max_pending_are_dropped_with_a_warning(
    make_waker, gateway, outcomes, caplog
):
    """With every place taken, a further wake is dropped and says so."""
    waker = make_waker(max_workers=1, max_pending=3)
    gateway.slow(60)

    for _ in range(5):
        waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    dropped = list(outcomes.seen)
    gateway.release()

    assert [o.error for _, o in dropped] == ["dropped: too many wakes waiting"] * 2
    assert [o.attempts for _, o in dropped] == [0, 0]
    assert caplog.text.count("wake of cypress dropped") == 2


def test_wake_returns_before_the_gateway_answers(make_waker, gateway, outcomes):
    """wake() hands the send to the pool and returns at once."""
    waker = make_waker()
    gateway.slow(60)

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    recorded_on_return = list(outcomes.seen)
    gateway.release()
    outcomes.wait_for(1)

    assert recorded_on_return == []
    assert outcomes.last.ok


def test_an_unreachable_gateway_is_retried_then_given_up(make_waker, outcomes):
    """Connection errors are retried, and the outcome names the error."""
    waker = make_waker(retries=2)
    webhook = Webhook(url=f"http://127.0.0.1:{free_port()}/hooks/wake", token=TOKEN)

    waker.wake(CYPRESS, MESSAGE, webhook)
    outcomes.wait_for(1)

    assert (outcomes.last.ok, outcomes.last.attempts) == (False, 3)
    assert outcomes.last.status is None
    assert "ConnectionError" in outcomes.last.error


def test_a_timeout_is_retried(make_waker, gateway, outcomes):
    """A gateway slower than the timeout counts as a failed attempt."""
    waker = make_waker(retries=1, timeout=0.2)
    gateway.slow(60)

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    outcomes.wait_for(1)
    gateway.release()

    assert (outcomes.last.ok, outcomes.last.attempts) == (False, 2)
    assert "Timeout" in outcomes.last.error


def test_a_redirect_is_not_followed(make_waker, gateway, outcomes):
    """A 302 is a final answer; the Location is never requested."""
    waker = make_waker()
    gateway.fail_next(1, status=302, headers={"Location": gateway.url()})

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    outcomes.wait_for(1)

    assert (outcomes.last.ok, outcomes.last.status) == (False, 302)
    assert len(gateway.received) == 1


def test_the_error_quotes_the_gateways_answer(make_waker, gateway, outcomes):
    """A refused wake's error carries the status and the start of the body."""
    waker = make_waker()

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway, strategy="openclaw-agent"))
    outcomes.wait_for(1)

    assert outcomes.last.error == (
        'HTTP 400 Bad Request: {"ok": false, "error": "text required"}'
    )


def test_no_plugin_answering_is_an_outcome(make_waker, outcomes, caplog):
    """A strategy without a plugin sends nothing and records why."""
    waker = make_waker(pm=make_plugin_manager(disabled=["openclaw"]))

    waker.wake(CYPRESS, MESSAGE, Webhook(url="http://127.0.0.1:9/hooks/wake"))

    assert outcomes.last.error == "no plugin answers for strategy 'openclaw-wake'"
    assert outcomes.last.attempts == 0
    assert "no plugin answers" in caplog.text


def test_a_failing_strategy_plugin_is_an_outcome(make_waker, outcomes, caplog):
    """A plugin raising while building the request is logged and recorded."""

    class Faulty:
        @hookimpl(tryfirst=True)
        def forest_chat_wake_request(self, participant, message, webhook):
            raise KeyError("oops")

    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(Faulty(), name="faulty")
    waker = make_waker(pm=pm)

    waker.wake(CYPRESS, MESSAGE, Webhook(url="http://127.0.0.1:9/hooks/wake"))

    assert outcomes.last.error == "a plugin failed to build the wake request"
    assert "Traceback" in caplog.text


def test_a_body_over_the_gateway_limit_is_not_sent(make_waker, gateway, outcomes):
    """A plugin's oversized body is refused before it reaches the gateway."""

    class Huge:
        @hookimpl(tryfirst=True)
        def forest_chat_wake_request(self, participant, message, webhook):
            return WakeRequest(webhook.url, {}, {"text": "x" * 300_000})

    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(Huge(), name="huge")
    waker = make_waker(pm=pm)

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    outcomes.wait_for(1)

    assert outcomes.last.error.startswith("wake body over")
    assert gateway.received == []


@pytest.mark.parametrize("token", ["s3cret\nline", "s3cret\r\nX-Evil: 1", "s3crét✓"])
def test_a_token_that_cannot_be_a_header_is_neither_sent_nor_shown(
    make_waker, gateway, outcomes, caplog, token
):
    """A token that is not one line of ASCII is refused without quoting it."""
    waker = make_waker()

    waker.wake(CYPRESS, MESSAGE, Webhook(url=gateway.url(), token=token))
    outcomes.wait_for(1)

    assert gateway.received == []
    assert outcomes.last.attempts == 0
    assert outcomes.last.error.startswith("header 'Authorization' is not one line")
    assert "s3cr" not in outcomes.last.error
    assert "s3cr" not in caplog.text


def test_close_waits_for_sends_under_way(make_waker, gateway, outcomes):
    """After close() returns, a wake that was being sent has its outcome."""
    waker = make_waker()
    gateway.slow(0.2)

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    gateway.wait_for(1)
    waker.close()

    assert [o.ok for _, o in outcomes.seen] == [True]


def test_close_cuts_a_backoff_short(make_waker, gateway, outcomes, caplog):
    """A wake waiting to retry gives up when the hub stops."""
    waker = make_waker(backoff=60, max_delay=60)
    gateway.fail_next(1, status=500)

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    gateway.wait_answered(1)
    waker.close()

    assert (outcomes.last.ok, outcomes.last.attempts) == (False, 1)
    assert "abandoned: the hub is stopping" in caplog.text


def test_a_wake_after_close_is_dropped(make_waker, gateway, outcomes):
    """Once closed, the waker records wakes as dropped instead of sending."""
    waker = make_waker()
    waker.close()

    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))

    assert outcomes.last.error == "dropped: the hub is stopping"
    assert gateway.received == []


def test_a_failing_outcome_recorder_is_logged(gateway, caplog):
    """An on_outcome that raises is logged, and the waker goes on."""
    done = threading.Event()

    def record(name, outcome):
        done.set()
        raise OSError("disk full")

    waker = HTTPWaker(make_plugin_manager(load_entrypoints=False), on_outcome=record)
    waker.wake(CYPRESS, MESSAGE, webhook_to(gateway))
    done.wait(5)
    waker.close()

    assert "recording the outcome failed" in caplog.text


def test_attempts_are_logged_with_the_url_but_no_query(
    make_waker, gateway, outcomes, caplog
):
    """A log line names bot, URL without its query, status and attempt."""
    caplog.set_level(logging.INFO, logger="forest_chat.adapters.wake")
    waker = make_waker()
    webhook = Webhook(url=gateway.url("/hooks/wake?source=hub"), token=TOKEN)

    waker.wake(CYPRESS, MESSAGE, webhook)
    outcomes.wait_for(1)

    line = f"wake of cypress: {gateway.url('/hooks/wake')} answered 200 (attempt 1)"
    assert line in caplog.text
    assert "source=hub" not in caplog.text


def test_strategies_are_those_the_plugins_declare(make_waker):
    """strategies() lists what the registered plugins declare."""
    waker = make_waker(pm=make_plugin_manager(disabled=["signed-json"]))

    names = waker.strategies()

    assert names == ["openclaw-agent", "openclaw-wake"]


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]
)
def test_backoff_doubles_with_jitter_up_to_the_cap(make_waker, attempt, ceiling):
    """The wait after attempt n is random in [c/2, c], c = backoff * 2**(n-1) capped."""
    waker = make_waker(backoff=1, max_delay=5)

    waits = [waker._delay(attempt, None) for _ in range(200)]

    assert ceiling / 2 <= min(waits)
    assert max(waits) <= ceiling
    assert len(set(waits)) > 1


def test_retry_after_is_waited_as_asked_up_to_the_cap(make_waker):
    """A Retry-After replaces the backoff, but never beyond max_delay."""
    waker = make_waker(backoff=1, max_delay=5)

    waits = [waker._delay(1, 3.0), waker._delay(1, 120.0)]

    assert waits == [3.0, 5]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0", 0.0), ("soon", None), ("", None), ("-1", None)],
)
def test_retry_after_seconds_are_read(header, seconds):
    """Retry-After in seconds is read; anything unreadable is ignored."""
    assert _retry_after(header) == seconds


def test_retry_after_as_a_date_is_read():
    """Retry-After as an HTTP date gives the seconds until then."""
    later = datetime.now(timezone.utc) + timedelta(seconds=30)

    seconds = _retry_after(format_datetime(later, usegmt=True))

    assert 25 < seconds <= 30
