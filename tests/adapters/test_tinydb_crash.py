"""TinyDBMessageStore killed with SIGKILL at random moments, then reopened."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from forest_chat.adapters.storage import TinyDBMessageStore
from forest_chat.core import Message

from .store_contract import draft

ROUNDS = 8
RESTORED = 20_000
READER = "redwood"

# Three threads append (and now and then take the inbox or save a webhook),
# writing "<id> <text>" once each append is acknowledged.
WRITER = r"""
import sys, threading
from forest_chat.adapters.storage import TinyDBMessageStore
from forest_chat.core import Draft

store = TinyDBMessageStore(sys.argv[1], segment_size=7)
out = threading.Lock()

def work(thread):
    for i in range(1, 10**9):
        text = f"{sys.argv[2]}-{thread}-{i}"
        draft = Draft("cypress", "all", text, "2026-02-06T09:20:00+00:00",
                      ("redwood", "matthew"))
        (message,) = store.append([draft])
        with out:
            sys.stdout.write(f"{message.id} {text}\n")
            sys.stdout.flush()
        if i % 5 == 0:
            store.take_unread("redwood")
        if i % 7 == 0:
            store.update_webhook("redwood", {"url": f"http://127.0.0.1:9/{i}"})

for thread in range(3):
    threading.Thread(target=work, args=(thread,), daemon=True).start()
threading.Event().wait()
"""

RESTORER = r"""
import sys
from forest_chat.adapters.storage import TinyDBMessageStore
from forest_chat.core import Message

store = TinyDBMessageStore(sys.argv[1], segment_size=50)
sys.stdout.write("started\n")
sys.stdout.flush()
store.restore(
    Message(i, "cypress", "all", str(i), "2026-01-01T00:00:00+00:00",
            {"redwood": i % 3 == 0, "matthew": False})
    for i in range(1, int(sys.argv[2]) + 1)
)
"""


def run_until_killed(script, folder, tag, rng):
    """Run script, SIGKILL it at a random moment; return its complete output lines."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(folder), tag],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = child.stdout.readline()
        time.sleep(rng.uniform(0.01, 0.4))
    finally:
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        child.stdout.close()

    output = first + rest
    assert output, "the child wrote nothing before it was killed"
    return [line for line in output.splitlines(keepends=True) if line.endswith("\n")]


def data_files(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".json") and not name.startswith("."):
                yield os.path.join(root, name)


def assert_consistent(store):
    """Check ids are unique and ordered, and the inbox matches the messages."""
    history = store.history()
    ids = [m.id for m in history]
    assert ids == sorted(set(ids))
    unread = [m.id for m in history if m.is_unread_by(READER)]
    assert [m.id for m in store.unread(READER)] == unread
    return history


@pytest.fixture
def rng():
    # Fixed, so a failure can be rerun; the moments still vary with scheduling.
    return random.Random(20260206)


def test_killed_writers_lose_no_acknowledged_message(tmp_path, rng):
    """Every acknowledged append survives SIGKILL, and the store always reopens."""
    folder = tmp_path / "db"
    acknowledged = {}

    for round_number in range(ROUNDS):
        lines = run_until_killed(WRITER, folder, f"r{round_number}", rng)
        for line in lines:
            message_id, text = line.split()
            acknowledged[int(message_id)] = text

        for path in data_files(folder):
            with open(path, "rb") as file:
                json.loads(file.read())
        store = TinyDBMessageStore(folder)
        history = assert_consistent(store)
        (after,) = store.append([draft()])
        store.close()

        stored = {m.id: m.text for m in history}
        assert acknowledged.items() <= stored.items()
        assert after.id > max(stored)


def test_a_live_store_carries_on_after_a_writer_is_killed(tmp_path, rng):
    """A store open in another process repairs after a killed writer and goes on."""
    folder = tmp_path / "db"
    live = TinyDBMessageStore(folder, segment_size=7)
    acknowledged = {}

    for round_number in range(ROUNDS // 2):
        lines = run_until_killed(WRITER, folder, f"r{round_number}", rng)
        acknowledged.update(line.split() for line in lines)
        (after,) = live.append([draft()])
        history = assert_consistent(live)

        stored = {str(m.id): m.text for m in history}
        assert acknowledged.items() <= stored.items()
        assert after.id == max(m.id for m in history)
    live.close()


def test_a_killed_restore_can_be_run_again(tmp_path, rng):
    """An import killed half way leaves a store that opens, and a rerun completes it."""
    folder = tmp_path / "db"
    run_until_killed(RESTORER, folder, str(RESTORED), rng)

    store = TinyDBMessageStore(folder)
    assert_consistent(store)
    store.restore(
        Message(i, "cypress", "all", str(i), "2026-01-01T00:00:00+00:00",
                {"redwood": i % 3 == 0, "matthew": False})
        for i in range(1, RESTORED + 1)
    )
    history = assert_consistent(store)
    store.close()

    assert [m.id for m in history] == list(range(1, RESTORED + 1))
    assert [m.text for m in history] == [str(i) for i in range(1, RESTORED + 1)]
