"""Long-poll under gunicorn with two worker processes: cheap to wait, quick to wake."""

import http.client
import json
import os
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.servers import HubProcess

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
MEASURE_SECONDS = 3


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """One hub with two workers for the module, quiet between tests."""
    with HubProcess(tmp_path_factory.mktemp("longpoll") / "data", workers=2) as server:
        yield server


def send(hub, text="hello", to="cypress"):
    answer = requests.post(
        f"{hub.url}/api/send",
        json={"from": "bigc", "to": to, "message": text},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["message"]


def last_id(hub):
    newest = requests.get(f"{hub.url}/api/messages?limit=1", timeout=10).json()
    return newest[-1]["id"] if newest else 0


def drain(hub, reader):
    requests.get(f"{hub.url}/api/read", params={"for": reader}, timeout=10)


def children(pid):
    """Return the pids of the processes whose parent is pid."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def worker_pids(hub, timeout=10):
    """Return the pids of the gunicorn workers, once all of them have started."""
    deadline = time.monotonic() + timeout
    pids = children(hub.process.pid)
    # /health answers as soon as the first worker is up; the others follow.
    while len(pids) != hub.workers and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = children(hub.process.pid)
    assert len(pids) == hub.workers, f"expected {hub.workers} workers, found {pids}"
    return pids


def cpu_ticks(pids):
    """Return the user and system CPU time the processes used, in clock ticks."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total


def worker_holding(client_port, server_port, pids, timeout=5):
    """Return the pid of the worker that accepted the connection from client_port."""
    wanted = f":{client_port:04X}"
    local = f":{server_port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            columns = line.split()
            if columns[1].endswith(local) and columns[2].endswith(wanted):
                inodes.add(f"socket:[{columns[9]}]")
        for pid in pids:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) in inodes:
                        return pid
                except OSError:
                    continue
        time.sleep(0.01)
    raise AssertionError(f"no worker accepted the connection from port {client_port}")


class Waiter:
    """One long-poll on its own connection, answered in a background thread."""

    def __init__(self, hub, path, pids):
        self.path = path
        self.connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=90)
        self.connection.connect()
        client_port = self.connection.sock.getsockname()[1]
        self.worker = worker_holding(client_port, hub.port, pids)
        self.answer = None
        self.answered_at = None
        self._thread = threading.Thread(target=self._wait)

    def start(self):
        self.connection.request("GET", self.path)
        self._thread.start()
        return self

    def _wait(self):
        response = self.connection.getresponse()
        body = response.read()
        self.answered_at = time.monotonic()
        self.answer = (response.status, json.loads(body))

    def join(self, timeout=90):
        self._thread.join(timeout)
        self.connection.close()


def waiters_in_both_workers(hub, paths, pids, at_least=3):
    """Open waiters on paths, in turn, until each worker holds at_least of them."""
    waiters = []
    for attempt in range(200):
        held = {pid: sum(w.worker == pid for w in waiters) for pid in pids}
        if min(held.values()) >= at_least:
            break
        waiter = Waiter(hub, paths[attempt % len(paths)], pids)
        if held[waiter.worker] >= at_least:
            waiter.connection.close()
            continue
        waiters.append(waiter.start())
    assert {w.worker for w in waiters} == set(pids)
    return waiters


def send_through(hub, worker, pids, text):
    """Send a message over a connection worker accepted; return when it started."""
    for _ in range(200):
        connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
        connection.connect()
        port = connection.sock.getsockname()[1]
        if worker_holding(port, hub.port, pids) == worker:
            break
        connection.close()
    else:
        raise AssertionError(f"worker {worker} accepted none of 200 connections")
    body = json.dumps({"from": "bigc", "to": "cypress", "message": text})

    started = time.monotonic()
    connection.request(
        "POST", "/api/send", body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    response.read()
    connection.close()

    assert response.status == 200
    return started


def test_idle_waiters_use_no_cpu(hub):
    """20 waiters held for 3 s cost the workers no more CPU than an idle hub."""
    pids = worker_pids(hub)
    drain(hub, "cypress")
    since = last_id(hub)
    time.sleep(0.5)
    before = cpu_ticks(pids)
    time.sleep(MEASURE_SECONDS)
    idle = cpu_ticks(pids) - before
    paths = [
        "/api/read?for=cypress&mark_read=false&wait=20",
        f"/api/messages?since={since}&wait=20",
    ]
    waiters = [Waiter(hub, paths[i % 2], pids).start() for i in range(20)]
    time.sleep(0.5)

    before = cpu_ticks(pids)
    time.sleep(MEASURE_SECONDS)
    waiting = cpu_ticks(pids) - before
    still_waiting = sum(w.answer is None for w in waiters)
    send(hub, "release the waiters")
    for waiter in waiters:
        waiter.join()

    assert still_waiting == 20
    # Five ticks (50 ms of CPU in 3 s on 100 Hz) is noise; a loop that polled
    # even ten times a second per waiter would cost several times that.
    assert waiting <= idle + 5, f"idle: {idle} ticks, 20 waiters: {waiting} ticks"


def test_waiters_in_both_workers_wake_within_half_a_second(hub):
    """A send through one worker wakes waiters in both workers in under 0.5 s."""
    pids = worker_pids(hub)
    drain(hub, "cypress")
    since = last_id(hub)
    paths = [
        "/api/read?for=cypress&mark_read=false&wait=30",
        f"/api/messages?since={since}&wait=30",
    ]
    waiters = waiters_in_both_workers(hub, paths, pids)
    time.sleep(0.5)
    early = [w for w in waiters if w.answer is not None]

    started = send_through(hub, pids[0], pids, "wake up")
    for waiter in waiters:
        waiter.join()

    latencies = {(w.worker, w.path): round(w.answered_at - started, 3) for w in waiters}
    assert early == []
    assert all(w.answer[0] == 200 and len(w.answer[1]) == 1 for w in waiters)
    assert max(latencies.values()) < 0.5, latencies


def test_wait_zero_answers_at_once_with_what_is_there(hub):
    """wait=0 returns the unread message, or [] when there is none, without holding."""
    drain(hub, "redwood")
    sent = send(hub, "now", to="redwood")
    url = f"{hub.url}/api/read"

    found = requests.get(url, params={"for": "redwood", "wait": 0}, timeout=2).json()
    empty = requests.get(url, params={"for": "redwood", "wait": 0}, timeout=2).json()

    assert [m["id"] for m in found] == [sent["id"]]
    assert empty == []


def test_waiting_read_answers_at_once_when_something_is_unread(hub):
    """A read with wait=30 and a message already unread answers without holding."""
    drain(hub, "redwood")
    sent = send(hub, "already here", to="redwood")

    found = requests.get(
        f"{hub.url}/api/read", params={"for": "redwood", "wait": 30}, timeout=5
    ).json()

    assert [m["id"] for m in found] == [sent["id"]]


@pytest.mark.parametrize("path", ["/api/read?for=redwood", "/api/messages?since={}"])
def test_timed_out_wait_returns_empty_list(hub, path):
    """A wait that sees nothing arrive holds for its seconds, then answers []."""
    drain(hub, "redwood")
    url = hub.url + path.format(last_id(hub))

    started = time.monotonic()
    answer = requests.get(f"{url}&wait=1", timeout=10)
    held = time.monotonic() - started

    assert answer.status_code == 200
    assert answer.json() == []
    assert held >= 0.9


@pytest.mark.parametrize(
    "path", ["/api/read?for=redwood&wait={}", "/api/messages?since=0&wait={}"]
)
@pytest.mark.parametrize("wait", ["61", "-1", "1.5", "soon"])
def test_wait_outside_0_to_60_whole_seconds_is_refused(hub, path, wait):
    """A wait that is not whole seconds from 0 to 60 is a 400 naming 'wait'."""
    answer = requests.get(hub.url + path.format(wait), timeout=10)

    assert answer.status_code == 400
    assert answer.json()["error"].startswith("'wait' must be")


def test_wait_on_messages_without_since_is_refused(hub):
    """wait on /api/messages without since is a 400 saying since is needed."""
    answer = requests.get(f"{hub.url}/api/messages?limit=5&wait=5", timeout=10)

    assert answer.status_code == 400
    assert answer.json()["error"].startswith("'wait' needs 'since'")


def test_fifty_waiting_clients_do_not_block_a_send(hub):
    """With 50 long-polls held open, a send is answered and reaches every waiter."""
    pids = worker_pids(hub)
    drain(hub, "cypress")
    since = last_id(hub)
    paths = [
        "/api/read?for=cypress&mark_read=false&wait=30",
        f"/api/messages?since={since}&wait=30",
    ]
    waiters = [Waiter(hub, paths[i % 2], pids).start() for i in range(50)]
    time.sleep(0.5)
    early = [w for w in waiters if w.answer is not None]

    sent = send(hub, "through the crowd")
    for waiter in waiters:
        waiter.join()

    assert early == []
    assert all(w.answer == (200, [sent]) for w in waiters)
