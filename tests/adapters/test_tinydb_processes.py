"""TinyDBMessageStore shared by several processes, as gunicorn workers share it."""

import multiprocessing
import queue
import time

import pytest

from forest_chat.adapters.storage import TinyDBMessageStore

from .store_contract import draft

SPAWN = multiprocessing.get_context("spawn")
DEADLINE = 60
WAIT = 20


def append_many(name, results, folder, count, start):
    store = TinyDBMessageStore(folder, segment_size=10)
    start.wait()
    ids = [store.append([draft(text=f"{name}-{i}")])[0].id for i in range(count)]
    store.close()
    results.put((name, ids))


def append_in_threes(name, results, folder, count, start, appended):
    store = TinyDBMessageStore(folder, segment_size=10)
    start.wait()
    for i in range(0, count, 3):
        store.append([draft(text=str(j)) for j in range(i, min(i + 3, count))])
    store.close()
    appended.set()
    results.put((name, count))


def drain(name, results, folder, start, appended):
    store = TinyDBMessageStore(folder, segment_size=10)
    start.wait()
    taken = []
    while True:
        finished = appended.is_set()
        found = store.take_unread("redwood")
        taken.extend(m.id for m in found)
        if finished and not found:
            break
        if not found:
            store.wait(store.last_id(), timeout=0.05)
    store.close()
    results.put((name, taken))


def wait_for_news(name, results, folder, ready):
    store = TinyDBMessageStore(folder)
    after = store.last_id()
    ready.set()
    started = time.monotonic()
    arrived = store.wait(after, timeout=WAIT)
    waited = time.monotonic() - started
    store.close()
    results.put((name, (arrived, waited)))


@pytest.fixture
def run():
    """Start jobs (target, name, *args) in processes; return what collects results.

    Each target is called as target(name, results, *args) and puts
    (name, result) on results; the returned call gives {name: result}.
    """
    started = []

    def run(*jobs):
        results = SPAWN.Queue()
        for target, name, *args in jobs:
            process = SPAWN.Process(target=target, args=(name, results, *args))
            process.start()
            started.append(process)
        return lambda: collect(results, len(jobs))

    yield run
    for process in started:
        process.join(timeout=DEADLINE)
        if process.is_alive():
            process.kill()
            process.join()


def collect(results, count):
    found = {}
    for _ in range(count):
        try:
            name, value = results.get(timeout=DEADLINE)
        except queue.Empty:
            pytest.fail("a child process did not report back")
        found[name] = value
    return found


def test_processes_appending_at_once_get_unique_consecutive_ids(tmp_path, run):
    """Four processes appending at once get ids 1..N between them, nothing lost."""
    folder = tmp_path / "db"
    start = SPAWN.Barrier(4)

    collected = run(*[(append_many, f"p{n}", folder, 40, start) for n in range(4)])
    ids = collected()

    store = TinyDBMessageStore(folder)
    texts = sorted(m.text for m in store.history())
    store.close()
    assert sorted(i for found in ids.values() for i in found) == list(range(1, 161))
    assert all(found == sorted(found) for found in ids.values())
    assert texts == sorted(f"p{n}-{i}" for n in range(4) for i in range(40))


def test_processes_draining_one_inbox_take_each_message_once(tmp_path, run):
    """Three processes taking one inbox while another appends get each message once."""
    folder = tmp_path / "db"
    start = SPAWN.Barrier(4)
    appended = SPAWN.Event()

    collected = run(
        (append_in_threes, "appender", folder, 150, start, appended),
        *[(drain, f"drainer{n}", folder, start, appended) for n in range(3)],
    )
    results = collected()

    taken = [i for name, found in results.items() if name != "appender" for i in found]
    assert sorted(taken) == list(range(1, 151))


def test_an_append_releases_a_waiter_in_another_process(tmp_path, run):
    """A process waiting for news is released by an append in another process."""
    folder = tmp_path / "db"
    TinyDBMessageStore(folder).close()
    ready = SPAWN.Event()

    collected = run((wait_for_news, "waiter", folder, ready))
    assert ready.wait(DEADLINE)
    time.sleep(0.3)
    store = TinyDBMessageStore(folder)
    store.append([draft()])
    store.close()

    arrived, waited = collected()["waiter"]
    assert arrived is True
    assert waited < WAIT / 2, "released by its timeout, not by the append"
