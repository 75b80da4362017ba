"""TinyDBMessageStore: the store contract, and what its files promise besides."""

import errno
import json
import os
import sys
import threading
import time

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from forest_chat.adapters.storage import TinyDBMessageStore, tinydb_files, watcher
from forest_chat.adapters.storage.tinydb_store import _SPARSE, SEGMENTS_PER_ROUND
from forest_chat.core import Message, WakeOutcome, Webhook

from .store_contract import StoreContract, draft

WATCHER = "forest-chat-store-watcher"
WAIT = 20


class TestTinyDBMessageStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        store = TinyDBMessageStore(tmp_path / "db")
        yield store
        store.close()


class TestTinyDBMessageStoreNotDurable(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        store = TinyDBMessageStore(tmp_path / "db", durable=False)
        yield store
        store.close()


class TestTinyDBMessageStoreTinySegments(StoreContract):
    """The contract again, with segments so small that every test crosses them."""

    @pytest.fixture
    def store(self, tmp_path):
        store = TinyDBMessageStore(tmp_path / "db", segment_size=2)
        yield store
        store.close()


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "db"


@pytest.fixture
def open_store(folder):
    """Open stores on folder, closing every one at the end of the test."""
    opened = []

    def open_store(**options):
        store = TinyDBMessageStore(folder, **options)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


def segment_documents(folder, number):
    """Return the documents of a segment file, read with TinyDB's own storage."""
    path = folder / "messages" / f"{number:06d}.json"
    with TinyDB(path, storage=JSONStorage, access_mode="r") as db:
        return db.table("messages").all()


def wait_while_appending(waiter, appender):
    """Wait on waiter while appender appends; return (arrived, seconds waited)."""
    after = waiter.last_id()
    timer = threading.Timer(0.2, lambda: appender.append([draft()]))
    timer.start()
    started = time.monotonic()
    arrived = waiter.wait(after, timeout=WAIT)
    waited = time.monotonic() - started
    timer.join()
    return arrived, waited


def thread_names():
    """Return the names of the threads running besides the main one."""
    main = threading.main_thread()
    return [t.name for t in threading.enumerate() if t is not main]


def assert_eventually(condition, timeout=10):
    """Wait until condition() is true, failing after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)


def stamps(folder):
    """Return {relative path: (inode, mtime_ns)} for every file under folder."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            stat = os.stat(path)
            found[os.path.relpath(path, folder)] = (stat.st_ino, stat.st_mtime_ns)
    return found


def rewritten_since(before, folder):
    """Return the files under folder replaced since stamps() gave before, not lock."""
    now = stamps(folder)
    return {path for path, stamp in now.items() if before.get(path) != stamp} - {"lock"}


class TestPersistence:
    def test_reopening_keeps_messages_marks_and_webhooks(self, open_store):
        """A new store object on the same folder finds everything the last one kept."""
        first = open_store()
        first.append([draft(text="one"), draft(text="two", to="all",
                                                 recipients=("redwood", "matthew"))])
        first.take_unread("redwood")
        first.update_webhook("redwood", {"url": "http://127.0.0.1:9/hooks/wake"})
        kept = first.history()
        first.close()

        again = open_store()

        assert again.history() == kept
        assert again.unread("redwood") == []
        assert [m.text for m in again.unread("matthew")] == ["two"]
        assert again.webhooks()["redwood"].url == "http://127.0.0.1:9/hooks/wake"

    def test_ids_continue_after_reopening(self, open_store):
        """Appends after a reopen number after the last id stored."""
        first = open_store()
        first.append([draft(), draft()])
        first.close()

        (message,) = open_store().append([draft()])

        assert message.id == 3

    def test_segment_size_is_kept_by_the_folder(self, open_store, folder):
        """A folder keeps the segment size it was created with."""
        open_store(segment_size=3).close()

        store = open_store(segment_size=1000)
        store.append([draft() for _ in range(7)])

        assert store.segment_size == 3
        assert len(segment_documents(folder, 3)) == 1

    def test_files_are_tinydb_json_keyed_by_id(self, open_store, folder):
        """Segments are TinyDB files whose document ids are the message ids."""
        store = open_store(segment_size=10)
        store.append([draft(text=str(i)) for i in range(12)])

        documents = segment_documents(folder, 2)

        assert [d.doc_id for d in documents] == [11, 12]
        assert Message.from_wire(documents[0]) == store.history(since=10)[0]

    def test_a_file_from_another_format_is_refused(self, open_store, folder):
        """A meta.json written in an unknown format stops the store from opening."""
        open_store().close()
        meta = json.loads((folder / "meta.json").read_text())
        meta["meta"]["1"]["format"] = 99
        (folder / "meta.json").write_text(json.dumps(meta))

        with pytest.raises(ValueError, match="format 99"):
            open_store()


class TestBoundedFiles:
    def test_a_send_rewrites_only_its_segment(self, open_store, folder):
        """However long the history, a send replaces only the last segment."""
        store = open_store(segment_size=10)
        store.append([draft(text=str(i)) for i in range(95)])
        before = stamps(folder)

        (message,) = store.append([draft()])

        changed = rewritten_since(before, folder)
        assert changed == {os.path.join("messages", "000010.json")}
        assert [d.doc_id for d in segment_documents(folder, 10)] == list(range(91, 97))
        assert store.last_id() == message.id == 96

    def test_a_send_that_starts_a_segment_also_rewrites_meta(self, open_store, folder):
        """A new segment's first message moves meta.json on and lists it for readers."""
        store = open_store(segment_size=10)
        store.append([draft(text=str(i)) for i in range(100)])
        before = stamps(folder)

        (message,) = store.append([draft()])

        changed = rewritten_since(before, folder)
        assert changed == {
            os.path.join("messages", "000011.json"),
            os.path.join("inbox", "redwood.json"),
            "meta.json",
        }
        assert json.loads((folder / "meta.json").read_text())["meta"]["1"] == {
            "format": 1, "segment_size": 10, "next_id": 102, "last_id": 101
        }

    def test_no_segment_holds_more_than_its_size(self, open_store, folder):
        """Every segment file holds at most segment_size messages."""
        store = open_store(segment_size=10)
        for _ in range(14):
            store.append([draft(text=str(i)) for i in range(7)])

        sizes = [len(segment_documents(folder, n)) for n in range(1, 11)]

        assert sizes == [10] * 9 + [8]

    def test_a_take_drops_emptied_segments_from_the_inbox(self, open_store, folder):
        """After a take, a reader's inbox index lists only the current segment."""
        store = open_store(segment_size=10)
        store.append([draft(text=str(i)) for i in range(35)])

        store.take_unread("redwood")

        inbox = json.loads((folder / "inbox" / "redwood.json").read_text())
        assert list(inbox["segments"]) == ["4"]

    def test_recent_history_reads_only_the_last_segments(self, open_store, folder):
        """history with limit or since does not open older segments."""
        store = open_store(segment_size=10)
        store.append([draft(text=str(i)) for i in range(50)])
        store.close()
        for number in (1, 2, 3):
            (folder / "messages" / f"{number:06d}.json").write_text("not json")
        store = open_store()

        recent = store.history(limit=15)
        since = store.history(since=38)

        assert [m.id for m in recent] == list(range(36, 51))
        assert [m.id for m in since] == list(range(39, 51))

    def test_unread_reads_only_segments_in_the_inbox(self, open_store, folder):
        """unread opens only the segments its reader's index lists."""
        store = open_store(segment_size=10)
        store.append([draft(to="matthew", recipients=("matthew",)) for _ in range(30)])
        store.append([draft(text="late")])
        store.close()
        for number in (1, 2, 3):
            (folder / "messages" / f"{number:06d}.json").write_text("not json")
        store = open_store()

        unread = store.unread("redwood")

        assert [m.text for m in unread] == ["late"]


class TestTakes:
    def test_a_take_far_behind_returns_everything_in_one_call(self, open_store):
        """A take spanning more segments than one round returns every message."""
        store = open_store(segment_size=2)
        count = 2 * SEGMENTS_PER_ROUND * 3 + 1
        store.append([draft(text=str(i)) for i in range(count)])

        taken = store.take_unread("redwood")

        assert [m.id for m in taken] == list(range(1, count + 1))
        assert store.unread("redwood") == []

    def test_a_take_leaves_other_readers_unread(self, open_store):
        """Taking one reader's messages leaves another's in place, across segments."""
        store = open_store(segment_size=2)
        store.append([draft(to="all", recipients=("redwood", "matthew"))
                      for _ in range(7)])

        store.take_unread("redwood")

        assert [m.id for m in store.unread("matthew")] == list(range(1, 8))


class TestSparseIds:
    def test_history_spans_gaps_left_by_an_import(self, open_store):
        """Restored ids far apart are all found, and appends continue after them."""
        store = open_store(segment_size=2)
        far = 2 * 3 * _SPARSE + 1
        store.restore([
            Message(3, "cypress", "redwood", "old", "2026-01-01T00:00:00+00:00",
                    {"redwood": False}),
            Message(far, "cypress", "redwood", "far", "2026-01-01T00:00:00+00:00",
                    {"redwood": False}),
        ])

        (new,) = store.append([draft(text="new")])

        assert [m.id for m in store.history()] == [3, far, far + 1]
        assert [m.id for m in store.history(limit=2)] == [far, far + 1]
        assert [m.text for m in store.history(since=3, limit=1)] == ["new"]
        assert [m.id for m in store.unread("redwood")] == [3, far, far + 1]

    def test_restore_fills_gaps_below_the_last_id(self, open_store):
        """A restored id lower than the last one lands in order and is unread."""
        store = open_store(segment_size=2)
        store.append([draft() for _ in range(3)])
        store.take_unread("redwood")

        added = store.restore([
            Message(10, "cypress", "redwood", "gap", "2026-01-01T00:00:00+00:00",
                    {"redwood": False}),
        ])

        assert added == 1
        assert [m.id for m in store.history()] == [1, 2, 3, 10]
        assert [m.text for m in store.take_unread("redwood")] == ["gap"]

    def test_restore_refuses_ids_below_one(self, open_store):
        """A message without a positive id cannot be restored."""
        store = open_store()
        message = Message(0, "cypress", "redwood", "x", "2026-01-01T00:00:00+00:00")

        with pytest.raises(ValueError, match="id 0"):
            store.restore([message])


class TestSharing:
    def test_a_second_store_sees_the_firsts_writes(self, open_store):
        """Store objects on one folder see each other's messages and marks."""
        first, second = open_store(), open_store()
        first.append([draft(text="one")])
        assert [m.text for m in second.unread("redwood")] == ["one"]

        second.take_unread("redwood")
        first.append([draft(text="two")])

        assert [m.text for m in first.unread("redwood")] == ["two"]
        assert [m.delivered_to["redwood"] for m in first.history()] == [True, False]
        assert [m.id for m in second.history()] == [1, 2]

    def test_two_stores_take_each_message_once(self, open_store):
        """Threads on two store objects racing for one inbox take each message once."""
        stores = [open_store(), open_store()]
        stores[0].append([draft(text=str(i)) for i in range(100)])
        taken = []
        start = threading.Barrier(4)

        def drain(store):
            start.wait()
            for _ in range(10):
                taken.extend(m.id for m in store.take_unread("redwood"))

        threads = [threading.Thread(target=drain, args=(s,)) for s in stores * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(taken) == list(range(1, 101))

    def test_webhook_updates_from_two_stores_are_all_kept(self, open_store):
        """Concurrent updates to different bots through two stores lose nothing."""
        stores = [open_store(), open_store()]
        start = threading.Barrier(4)

        def update(store, name):
            start.wait()
            for i in range(10):
                store.update_webhook(name, {"url": f"http://127.0.0.1:9/{i}"})

        names = ["cypress", "redwood", "oak", "pine"]
        threads = [
            threading.Thread(target=update, args=(stores[i % 2], name))
            for i, name in enumerate(names)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        found = stores[0].webhooks()
        assert {name: w.url for name, w in found.items()} == {
            name: "http://127.0.0.1:9/9" for name in names
        }

    def test_waiters_are_released_by_another_store(self, open_store):
        """An append through one store object releases a waiter on another."""
        first, second = open_store(), open_store()

        arrived, waited = wait_while_appending(second, first)

        assert arrived is True
        assert waited < WAIT / 2, "released by its timeout, not by the append"


class TestWebhooks:
    def test_a_webhook_keeps_its_last_wake(self, open_store):
        """A saved outcome reads back as a WakeOutcome after reopening."""
        store = open_store()
        outcome = WakeOutcome(ok=False, at="2026-01-01T00:00:00+00:00", attempts=3,
                              error="timed out")
        store.update_webhook("redwood", {"token": "secret", "last_wake": outcome})
        store.close()

        found = open_store().webhooks()

        assert found == {"redwood": Webhook(token="secret", last_wake=outcome)}

    def test_an_unknown_field_changes_nothing(self, open_store):
        """An update naming a field a webhook lacks fails and stores nothing."""
        store = open_store()

        with pytest.raises(TypeError):
            store.update_webhook("redwood", {"colour": "green"})

        assert store.webhooks() == {}


class TestWaiting:
    def test_many_waiters_share_one_watcher(self, open_store):
        """Fifty threads waiting at once are served by a single watcher thread."""
        store = open_store()
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(store.wait(0, timeout=30)))
            for _ in range(50)
        ]
        for thread in threads:
            thread.start()
        assert_eventually(lambda: WATCHER in thread_names())

        store.append([draft()])
        for thread in threads:
            thread.join()

        assert thread_names() == [WATCHER]
        assert results == [True] * 50

    def test_close_stops_the_watcher(self, open_store):
        """Closing the store ends its watcher thread."""
        store = open_store()
        store.wait(0, timeout=0.01)

        store.close()

        assert WATCHER not in thread_names()


    @pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")
    def test_on_linux_the_watcher_sleeps_on_inotify(self, open_store):
        """On Linux the watcher waits for inotify events rather than polling."""
        store = open_store()

        store.wait(0, timeout=0.01)

        assert store._watcher.uses_inotify is True

    def test_without_inotify_one_thread_polls(self, open_store, monkeypatch):
        """Where inotify is missing, the watcher falls back to checking by stat."""
        def no_inotify(folder):
            raise OSError(errno.ENOSYS, "no inotify here")

        monkeypatch.setattr(watcher, "_Inotify", no_inotify)
        first, second = open_store(), open_store()

        arrived, waited = wait_while_appending(second, first)

        assert arrived is True
        assert waited < WAIT / 2, "released by its timeout, not by the append"
        assert second._watcher.uses_inotify is False


class TestRecovery:
    def test_stray_temporary_files_are_removed_on_open(self, open_store, folder):
        """Temporary files a crash left behind are deleted when the store opens."""
        open_store().close()
        stray = folder / "messages" / ".000001.json.abc.tmp"
        stray.write_text('{"messages": {"1": ')

        open_store()

        assert not stray.exists()

    def test_a_segment_written_without_its_meta_is_adopted(self, open_store, folder):
        """After a crash between segment and meta.json, ids go on after the segment."""
        store = open_store()
        store.append([draft(), draft()])
        store.close()
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["meta"]["1"].update(next_id=2, last_id=1)
        meta_path.write_text(json.dumps(meta))

        store = open_store()
        (message,) = store.append([draft()])

        assert store.history()[1].id == 2
        assert message.id == 3

    def test_a_live_store_repairs_after_another_writer_died(self, open_store, folder):
        """A writer that died holding the lock is noticed and repaired after."""
        store = open_store()
        store.append([draft(), draft()])
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["meta"]["1"].update(next_id=2, last_id=1)
        meta_path.write_text(json.dumps(meta))
        (folder / "lock").write_bytes(b"1")

        (message,) = store.append([draft()])

        assert message.id == 3
        assert store.last_id() == 3

    def test_a_write_that_failed_half_way_is_repaired(self, open_store, monkeypatch):
        """After a batch fails between its files, the next write still numbers right."""
        store = open_store(segment_size=1)
        store.append([draft()])
        real = tinydb_files.write_atomically

        def failing_on_meta(path, payload, **options):
            if path.endswith("meta.json"):
                raise OSError("disk full")
            return real(path, payload, **options)

        monkeypatch.setattr(tinydb_files, "write_atomically", failing_on_meta)
        with pytest.raises(OSError, match="disk full"):
            store.append([draft(text="lost?")])
        monkeypatch.setattr(tinydb_files, "write_atomically", real)
        (message,) = store.append([draft(text="after")])

        ids = [m.id for m in store.history()]
        assert ids == sorted(set(ids))
        assert message.id == ids[-1] == store.last_id()

