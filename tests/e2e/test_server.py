"""The hub under gunicorn keeps every promise with real processes and sockets."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.servers import HubProcess


def send(url, sender="bigc", to="cypress", text="hi", session=requests):
    answer = session.post(
        f"{url}/api/send", json={"from": sender, "to": to, "message": text}, timeout=30
    )
    answer.raise_for_status()
    return answer.json()["message"]


def wait_for_line(server, text, timeout=10):
    """Return the server's log once it holds text (gunicorn writes it a bit later)."""
    deadline = time.monotonic() + timeout
    while text not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.log()


def test_concurrent_senders_lose_nothing(tmp_path):
    """20 clients x 50 sends against 4 workers store 1,000 messages, ids unique."""

    def client(number):
        with requests.Session() as session:
            return [
                send(server.url, text=f"{number}-{i}", session=session)["id"]
                for i in range(50)
            ]

    with HubProcess(tmp_path / "data", workers=4) as server:
        with ThreadPoolExecutor(max_workers=20) as pool:
            acknowledged = [i for ids in pool.map(client, range(20)) for i in ids]
        history = requests.get(f"{server.url}/api/messages", timeout=30).json()

    assert len(acknowledged) == len(set(acknowledged)) == 1000
    assert sorted(m["id"] for m in history) == sorted(acknowledged)
    assert {m["message"] for m in history} == {
        f"{n}-{i}" for n in range(20) for i in range(50)
    }


def test_racing_readers_get_each_message_once(hub_server):
    """4 readers draining one inbox while it fills get each message exactly once."""
    sent_all = threading.Event()
    received = []

    def reader():
        with requests.Session() as session:
            while True:
                done = sent_all.is_set()
                answer = session.get(
                    f"{hub_server.url}/api/read", params={"for": "cypress"}, timeout=30
                )
                received.extend(m["id"] for m in answer.json())
                if done:
                    return

    with ThreadPoolExecutor(max_workers=6) as pool:
        readers = [pool.submit(reader) for _ in range(4)]
        with requests.Session() as session:
            sent = [
                send(hub_server.url, text=str(i), session=session)["id"]
                for i in range(300)
            ]
        sent_all.set()
        for future in readers:
            future.result()

    assert sorted(received) == sorted(sent)


def test_kill_9_during_sends_keeps_every_acknowledged_message(tmp_path):
    """Repeated kill -9 of the whole server mid-send loses no acknowledged send."""
    data = tmp_path / "data"
    acknowledged = []

    for round_number in range(4):
        server = HubProcess(data, workers=2).start()
        stop = threading.Event()

        def sender():
            with requests.Session() as session:
                while not stop.is_set():
                    try:
                        acknowledged.append(send(server.url, session=session)["id"])
                    except requests.RequestException:
                        return

        threads = [threading.Thread(target=sender) for _ in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < (round_number + 1) * 100:
            assert time.monotonic() < deadline, "sends stalled"
            time.sleep(0.01)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join()

    with HubProcess(data, workers=2) as server:
        history = requests.get(f"{server.url}/api/messages", timeout=30).json()

    ids = [m["id"] for m in history]
    assert len(ids) == len(set(ids))
    assert set(acknowledged) <= set(ids)


def test_settings_uploads_and_marks_survive_a_restart(tmp_path):
    """Webhook settings, uploads and delivery marks are still there after a restart."""
    data = tmp_path / "data"
    with HubProcess(data) as server:
        requests.post(
            f"{server.url}/api/config",
            json={
                "target": "redwood",
                "url": "http://127.0.0.1:9/hooks/agent",
                "token": "t0ken",
                "strategy": "openclaw-agent",
            },
            timeout=10,
        ).raise_for_status()
        uploaded = requests.post(
            f"{server.url}/api/upload",
            files={"file": ("notes.txt", b"remember this")},
            timeout=10,
        ).json()
        send(server.url, to="cypress", text="first")
        requests.get(f"{server.url}/api/read", params={"for": "cypress"}, timeout=10)
        send(server.url, to="cypress", text="second")

    with HubProcess(data) as server:
        config = requests.get(f"{server.url}/api/config", timeout=10).json()
        file = requests.get(f"{server.url}{uploaded['url']}", timeout=10)
        unread = requests.get(
            f"{server.url}/api/read", params={"for": "cypress"}, timeout=10
        ).json()

    assert config["redwood"]["url"] == "http://127.0.0.1:9/hooks/agent"
    assert config["redwood"]["has_token"] is True
    assert config["redwood"]["strategy"] == "openclaw-agent"
    assert file.content == b"remember this"
    assert [m["message"] for m in unread] == ["second"]


def test_a_streamed_upload_over_25_mb_is_cut_off(hub_server):
    """A chunked upload past 25 MB is a 413, and no file is left in uploads/."""

    def form():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bin"'
        yield b"\r\n\r\n"
        for _ in range(26):
            yield b"x" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    answer = requests.post(
        f"{hub_server.url}/api/upload",
        data=form(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
        timeout=60,
    )

    assert answer.status_code == 413
    assert "26,214,400" in answer.json()["error"]
    assert list((hub_server.data_dir / "uploads").iterdir()) == []


def test_serve_imports_the_original_hubs_history(tmp_path):
    """serve finds messages.json in an empty data directory and imports it."""
    data = tmp_path / "data"
    data.mkdir()
    legacy = [
        {
            "id": 1,
            "from": "bigc",
            "to": "cypress",
            "message": "old",
            "timestamp": "2026-02-06T09:20:00.123456",
            "delivered_to": {"cypress": True},
        },
        {
            "id": 2,
            "from": "cypress",
            "to": "all",
            "message": "hello",
            "timestamp": "2026-02-06T09:21:00.000001",
            "delivered_to": False,
        },
    ]
    (data / "messages.json").write_text(json.dumps(legacy))

    with HubProcess(data) as server:
        history = requests.get(f"{server.url}/api/messages", timeout=10).json()
        new = send(server.url, text="new")
        log = server.log()

    assert [m["id"] for m in history] == [1, 2]
    assert new["id"] == 3
    assert "Imported 2 messages" in log
    assert json.loads((data / "messages.json").read_text()) == legacy


def test_serve_says_where_it_is_and_logs_requests(hub_server):
    """serve prints the data directory and URL, and one log line per request."""
    requests.get(f"{hub_server.url}/api/messages?limit=1", timeout=10)

    log = wait_for_line(hub_server, "GET /api/messages?limit=1")

    assert f"Forest Chat data: {hub_server.data_dir}" in log
    assert f"serving at {hub_server.url}/" in log
    assert "GET /api/messages?limit=1" in log


def test_bad_config_file_stops_start_up_with_the_key(tmp_path):
    """A config file with an unknown key stops serve with a message naming it."""
    config = tmp_path / "hub.toml"
    config.write_text('colour = "green"\n')
    server = HubProcess(tmp_path / "data", config=config)

    with pytest.raises(RuntimeError, match="unknown key 'colour'"):
        server.start(timeout=10)


def test_stopping_the_hub_answers_open_long_polls(hub_server):
    """A graceful stop answers a waiting long-poll with [] instead of cutting it."""
    answers = []

    def wait_for_mail():
        answer = requests.get(
            f"{hub_server.url}/api/read",
            params={"for": "cypress", "wait": 60},
            timeout=90,
        )
        answers.append((answer.status_code, answer.json()))

    waiter = threading.Thread(target=wait_for_mail)
    waiter.start()
    time.sleep(0.5)

    hub_server.stop()
    waiter.join(timeout=30)

    assert answers == [(200, [])]


@pytest.mark.parametrize(
    "headers, path, status",
    [
        ({}, "/api/messages?since=" + "1" * 5000, 414),
        ({f"X-Filler-{i}": "x" for i in range(120)}, "/health", 431),
    ],
)
def test_requests_past_the_servers_limits_get_a_json_error(
    hub_server, headers, path, status
):
    """A request line or headers too large for gunicorn still get JSON, not HTML."""
    answer = requests.get(hub_server.url + path, headers=headers, timeout=10)

    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    assert set(answer.json()) == {"error"}
