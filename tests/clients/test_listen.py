"""listen and follow: every message once, through failures and restarts."""

import threading
import time

import pytest
import requests

from forest_chat.client import Client, ForestChatClientError
from tests.servers import HubProcess


class LosingAnswers(requests.Session):
    """A session whose first marking read reaches the hub but loses its answer."""

    def __init__(self):
        super().__init__()
        self.lost = 0

    def request(self, method, url, **kwargs):
        response = super().request(method, url, **kwargs)
        marking = (kwargs.get("params") or {}).get("mark_read") == "true"
        if marking and self.lost == 0:
            self.lost += 1
            response.close()
            raise requests.ConnectionError("connection reset before the answer")
        return response


class Busy(requests.Session):
    """A session whose first few calls are answered 503 without reaching the hub."""

    def __init__(self, failures):
        super().__init__()
        self.failures = failures

    def request(self, method, url, **kwargs):
        if self.failures:
            self.failures -= 1
            busy = requests.Response()
            busy.status_code = 503
            busy.reason = "Service Unavailable"
            busy._content = b'{"error": "busy"}'
            busy.headers["Content-Type"] = "application/json"
            return busy
        return super().request(method, url, **kwargs)


class CutShort(requests.Session):
    """A session whose first few answers break off, as when the hub dies mid-answer."""

    def __init__(self, failures):
        super().__init__()
        self.failures = failures

    def request(self, method, url, **kwargs):
        if self.failures:
            self.failures -= 1
            raise requests.exceptions.ChunkedEncodingError("connection broken")
        return super().request(method, url, **kwargs)


class Unreachable(requests.Session):
    """A session for which no hub is ever there."""

    def request(self, method, url, **kwargs):
        raise requests.ConnectionError("connection refused")


class CountedStop:
    """A stop event that records each pause asked of it and is set after a few."""

    def __init__(self, pauses):
        self.pauses = pauses
        self.delays = []

    def is_set(self):
        return len(self.delays) >= self.pauses

    def wait(self, delay):
        self.delays.append(delay)
        return self.is_set()


def finish(listening, stop):
    """Set stop and return what the generator still yields before it ends."""
    stop.set()
    return list(listening)


def test_listen_yields_unread_messages_then_new_ones_in_order(client):
    """listen starts with what is unread and goes on with each new message."""
    client.read("cypress")
    first = client.send("bigc", "cypress", "one")
    second = client.send("bigc", "all", "two")
    stop = threading.Event()
    listening = client.listen("cypress", wait=1, stop=stop)

    early = [next(listening), next(listening)]
    third = client.send("matthew", "cypress", "three")
    late = next(listening)
    rest = finish(listening, stop)

    assert [m.id for m in early] == [first.id, second.id]
    assert late.id == third.id
    assert rest == []


def test_listen_marks_a_batch_read_once_it_was_consumed(client):
    """A yielded message stays unread until the consumer asks for the next one."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "handle me")
    stop = threading.Event()
    listening = client.listen("cypress", wait=1, stop=stop)

    next(listening)
    while_handling = client.read("cypress", mark=False)
    finish(listening, stop)
    afterwards = client.read("cypress", mark=False)

    assert [m.id for m in while_handling] == [sent.id]
    assert afterwards == []


def test_listen_without_mark_leaves_messages_unread(client):
    """listen(mark=False) yields the messages and leaves them unread."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "just looking")
    stop = threading.Event()
    listening = client.listen("cypress", mark=False, wait=1, stop=stop)

    seen = next(listening)
    finish(listening, stop)

    assert seen.id == sent.id
    assert [m.id for m in client.read("cypress", mark=False)] == [sent.id]


def test_listen_yields_only_what_is_addressed_to_the_reader(client):
    """Messages to others, and the reader's own, are not yielded."""
    client.read("cypress")
    stop = threading.Event()
    listening = client.listen("cypress", wait=1, stop=stop)
    client.send("bigc", "redwood", "not yours")
    client.send("cypress", "bigc", "your own")
    client.send("cypress", "all", "your own too")
    broadcast = client.send("bigc", "all", "everyone's")
    direct = client.send("redwood", "cypress", "yours")

    seen = [next(listening), next(listening)]
    finish(listening, stop)

    assert [m.id for m in seen] == [broadcast.id, direct.id]


def test_listen_raises_for_an_unknown_reader(client):
    """A refusal such as an unknown name is raised, not retried."""
    listening = client.listen("nobody", wait=1)

    with pytest.raises(ForestChatClientError) as raised:
        next(listening)

    assert raised.value.status == 400
    assert "nobody" in raised.value.error


def test_listen_raises_for_a_wait_beyond_a_minute_without_retrying(client):
    """A wait the hub would refuse is raised at once, never retried."""
    stop = CountedStop(pauses=1)
    listening = client.listen("cypress", wait=61, stop=stop)

    with pytest.raises(ForestChatClientError) as raised:
        next(listening)

    assert "from 1 to 60" in raised.value.error
    assert stop.delays == []


@pytest.mark.parametrize("wait", [0, None])
def test_listen_refuses_a_wait_that_would_poll_without_pause(client, wait):
    """listen needs a wait of at least 1 s; 0 or None would ask the hub nonstop."""
    listening = client.listen("cypress", wait=wait)

    with pytest.raises(ForestChatClientError, match="from 1 to 60"):
        next(listening)


def test_listen_loses_nothing_when_a_marking_answer_is_lost(hub, client):
    """Messages marked by a read whose answer was lost are still yielded."""
    client.read("cypress")
    first = client.send("bigc", "cypress", "first")
    session = LosingAnswers()
    stop = threading.Event()
    listening = Client(hub.url, session=session).listen("cypress", wait=1, stop=stop)

    seen = [next(listening)]
    second = client.send("bigc", "cypress", "sent while the first was handled")
    seen.append(next(listening))
    seen += finish(listening, stop)

    assert session.lost == 1
    assert [m.id for m in seen] == [first.id, second.id]
    assert client.read("cypress", mark=False) == []


def test_listen_retries_answers_of_503(hub, client):
    """Calls answered 503 are retried until the hub answers."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "patience")
    stop = threading.Event()
    busy = Client(hub.url, session=Busy(failures=3))
    listening = busy.listen("cypress", wait=1, stop=stop, backoff=0.05)

    seen = next(listening)
    finish(listening, stop)

    assert seen.id == sent.id


def test_listen_retries_answers_cut_short(hub, client):
    """Answers that break off midway are asked for again."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "in one piece")
    stop = threading.Event()
    broken = Client(hub.url, session=CutShort(failures=3))
    listening = broken.listen("cypress", wait=1, stop=stop, backoff=0.05)

    seen = next(listening)
    finish(listening, stop)

    assert seen.id == sent.id


def test_listen_backs_off_exponentially_up_to_a_cap():
    """Pauses between failed calls double from backoff, are capped, and jittered."""
    stop = CountedStop(pauses=6)
    client = Client("http://127.0.0.1:9", session=Unreachable())

    list(client.listen("cypress", stop=stop, backoff=1, max_backoff=4))

    ceilings = [1, 2, 4, 4, 4, 4]
    assert len(stop.delays) == len(ceilings)
    assert all(c / 2 <= d <= c for d, c in zip(stop.delays, ceilings)), stop.delays


def test_listen_across_a_hub_restart_loses_and_repeats_nothing(tmp_path):
    """Killing and restarting the hub while listening loses and repeats nothing."""
    data = tmp_path / "data"
    server = HubProcess(data).start()
    sender = Client(server.url)
    stop = threading.Event()
    seen = []
    listener = threading.Thread(
        target=lambda: seen.extend(
            Client(server.url, timeout=2).listen(
                "cypress", wait=1, stop=stop, backoff=0.1, max_backoff=0.5
            )
        )
    )
    listener.start()
    try:
        for number in range(5):
            sender.send("bigc", "cypress", f"before {number}")
        server.kill()
        server = HubProcess(data, port=server.port).start()
        for number in range(5):
            sender.send("redwood", "all", f"after {number}")
        wanted = [m.id for m in sender.messages() if "cypress" in m.delivered_to]
        deadline = time.monotonic() + 30
        while len(seen) < len(wanted) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        listener.join(timeout=30)
        server.stop()

    assert len(wanted) == 10
    assert [m.id for m in seen] == wanted


def test_listen_through_kills_under_load_yields_exactly_the_history(tmp_path):
    """With sends racing two kills of the hub, listen yields cypress's messages once."""
    data = tmp_path / "data"
    server = HubProcess(data).start()
    url = server.url
    stop_sending = threading.Event()
    stop_listening = threading.Event()
    seen = []

    def keep_sending():
        with Client(url, timeout=2) as sender:
            while not stop_sending.is_set():
                try:
                    sender.send("bigc", "cypress", "load")
                except ForestChatClientError:
                    time.sleep(0.05)

    def keep_listening():
        with Client(url, timeout=2) as listener:
            listening = listener.listen(
                "cypress", wait=1, stop=stop_listening, backoff=0.1, max_backoff=0.5
            )
            seen.extend(message.id for message in listening)

    threads = [threading.Thread(target=keep_sending)]
    threads.append(threading.Thread(target=keep_listening))
    for thread in threads:
        thread.start()
    try:
        for _ in range(2):
            time.sleep(1)
            server.kill()
            server = HubProcess(data, port=server.port).start()
        time.sleep(1)
        stop_sending.set()
        threads[0].join(timeout=30)
        wanted = [m.id for m in Client(url).messages() if "cypress" in m.delivered_to]
        deadline = time.monotonic() + 30
        while len(seen) < len(wanted) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop_sending.set()
        stop_listening.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()

    assert len(wanted) > 20
    assert seen == wanted


def test_follow_yields_every_message_after_since(client):
    """follow(since) yields each later message of the conversation, for anyone."""
    start = client.send("bigc", "cypress", "start")
    stop = threading.Event()
    following = client.follow(start.id, wait=1, stop=stop)
    sent = [
        client.send("bigc", "redwood", "a"),
        client.send("cypress", "all", "b"),
    ]

    seen = [next(following), next(following)]
    rest = finish(following, stop)

    assert [m.id for m in seen] == [m.id for m in sent]
    assert rest == []
