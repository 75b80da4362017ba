"""The fake OpenClaw gateway holds the hooks contract the wake tests rely on."""

import pytest
import requests

from .conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def post(gateway, path, body, headers=AUTH, **options):
    return requests.post(gateway.url(path), json=body, headers=headers, **options)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/hooks/wake", {"text": "hi", "mode": "now"}),
        ("/hooks/agent", {"message": "hi", "name": "Forest Chat", "deliver": False}),
    ],
)
def test_a_good_hook_call_gets_ok(gateway, path, body):
    """A well-formed wake or agent call is answered 200 {"ok": true}."""
    answer = post(gateway, path, body)

    assert (answer.status_code, answer.json()) == (200, {"ok": True})


@pytest.mark.parametrize(
    ("path", "body", "headers", "status"),
    [
        ("/hooks/wake?token=" + TOKEN, {"text": "hi"}, AUTH, 400),
        ("/hooks/wake", {"text": "hi"}, {}, 401),
        ("/hooks/wake", {"text": "hi"}, {"Authorization": "Bearer nope"}, 401),
        ("/hooks/wake", {"mode": "now"}, AUTH, 400),
        ("/hooks/wake", ["text"], AUTH, 400),
        ("/hooks/agent", {"name": "Forest Chat"}, AUTH, 400),
        ("/hooks/agent", {"message": "hi", "sessionKey": "k"}, AUTH, 400),
        ("/hooks/other", {"text": "hi"}, AUTH, 404),
    ],
)
def test_a_call_against_the_contract_is_refused(gateway, path, body, headers, status):
    """Query tokens, bad tokens, missing fields and sessionKey are refused."""
    answer = post(gateway, path, body, headers)

    assert answer.status_code == status
    assert answer.json()["ok"] is False


def test_a_body_over_256_kib_is_too_large(gateway):
    """A body over 256 KiB is answered 413."""
    answer = post(gateway, "/hooks/wake", {"text": "x" * (256 * 1024)})

    assert answer.status_code == 413


def test_every_request_is_recorded(gateway):
    """Path, query, headers, raw body, JSON and the status answered are kept."""
    post(gateway, "/hooks/wake?via=test", {"text": "hi"})

    [received] = gateway.received
    assert (received.path, received.query) == ("/hooks/wake", {"via": ["test"]})
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert received.body == b'{"text": "hi"}'
    assert (received.json, received.status) == ({"text": "hi"}, 200)


def test_failures_can_be_ordered_for_the_next_requests(gateway):
    """fail_next answers the next requests with the status and headers asked."""
    gateway.fail_next(2, status=429, headers={"Retry-After": "7"})

    answers = [post(gateway, "/hooks/wake", {"text": "hi"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"


def test_a_slow_gateway_holds_requests_until_released(gateway):
    """slow() holds a request; a client with a short timeout gives up first."""
    gateway.slow(60)

    with pytest.raises(requests.Timeout):
        post(gateway, "/hooks/wake", {"text": "hi"}, timeout=0.2)
    held = gateway.in_flight
    gateway.release()

    assert held == 1
    assert gateway.wait_answered(1)
