"""Forest Chat's embedded store: TinyDB files that survive crashes and share well.

How the files are laid out and why they stay consistent is told in
docs/storage.md; in short, messages live in fixed-size segment files, each
reader has a small index of the segments that may hold its unread messages,
and every file is replaced atomically under one lock shared by all processes.
"""

import json
import logging
import os
import threading
import time
from dataclasses import replace

from tinydb import Query
from tinydb.table import Document

from forest_chat.core import Message, MessageStore, Webhook

from .atomic import remove_temp_files
from .cache import FileCache
from .layout import Layout, segment_name
from .lock import ProcessLock
from .segments import SegmentChanges, inbox_members, inbox_view, segment_view
from .tinydb_files import Transaction, database
from .watcher import ChangeWatcher

log = logging.getLogger(__name__)

FORMAT = 1
# Every send rewrites its segment, and every other process parses it again, so
# a smaller segment means a cheaper send: 100 gave a fifth more appends per
# second than 200 with two processes writing, and keeps 100,000 messages in
# 1,000 files. A store keeps the size it was created with.
SEGMENT_SIZE = 100
CACHED_SEGMENTS = 100
CACHED_FILES = 1024
# Segments that restore, or a take, writes in one round: fewer fsyncs than one
# by one, and a bounded amount of data held in memory.
SEGMENTS_PER_ROUND = 16
# Missing segment files in a row before history lists the folder instead of
# trying each number: imports can leave long gaps between ids.
_SPARSE = 8


class TinyDBMessageStore(MessageStore):
    """Messages, deliveries and webhooks in TinyDB files under directory.

    Safe for many threads and for many processes opening the same directory;
    a process killed at any moment leaves every file whole. durable=False
    skips fsync, which only a benchmark or a throwaway hub should want: a
    crashed machine (not process) may then lose the latest writes.
    """

    def __init__(
        self,
        directory,
        *,
        durable=True,
        segment_size=SEGMENT_SIZE,
        cached_segments=CACHED_SEGMENTS,
    ):
        if segment_size < 1:
            raise ValueError("segment_size must be at least 1")
        self.layout = Layout(directory)
        self.durable = durable
        self._segments = FileCache(cached_segments)
        self._files = FileCache(CACHED_FILES)
        self._lock = ProcessLock(self.layout.lock)
        self._writer = threading.Lock()
        self._queue = []
        self._batching = threading.Lock()
        self._leading = False
        self._changed = threading.Condition()
        self._released = False
        self._watcher = None

        self.layout.create()
        try:
            with self._writer, self._lock.hold():
                self._prepare(segment_size)
        except BaseException:
            self._lock.close()
            raise
        log.info(
            "opened message store %s (last id %d, segments of %d)",
            self.layout.directory,
            self.last_id(),
            self.segment_size,
        )

    def append(self, drafts):
        drafts = list(drafts)
        for draft in drafts:
            # Fail this caller now rather than the whole batch it would join.
            json.dumps(Message.from_draft(draft, 0).to_wire())
        if not drafts:
            return []

        return self._submit(lambda writing: writing.append(drafts))

    def restore(self, messages):
        wanted = {}
        for message in messages:
            if not isinstance(message.id, int) or message.id < 1:
                raise ValueError(f"cannot restore a message with id {message.id!r}")
            wanted.setdefault(message.id, message)
        by_segment = {}
        for message_id in sorted(wanted):
            number = self._segment_of(message_id)
            by_segment.setdefault(number, []).append(wanted[message_id])
        numbers = sorted(by_segment)

        added = 0
        with self._writer, self._lock.hold() as interrupted:
            if interrupted:
                self._repair()
            for start in range(0, len(numbers), SEGMENTS_PER_ROUND):
                writing = _Writing(self, Transaction(durable=self.durable))
                for number in numbers[start : start + SEGMENTS_PER_ROUND]:
                    added += sum(writing.restore(m) for m in by_segment[number])
                writing.finish()

        if added:
            self._notify()
        log.info("restored %d of %d messages", added, len(wanted))
        return added

    def history(self, limit=None, since=None):
        last = self.last_id()
        low = 1 if since is None else max(since + 1, 1)
        if limit == 0 or low > last:
            return []

        if limit is None:
            found = []
            for view in self._views_between(low, last):
                found.extend(view.between(low, last))
            return found

        chunks = []
        count = 0
        for view in self._views_between(low, last, descending=True):
            chunk = view.between(low, last)
            chunks.append(chunk)
            count += len(chunk)
            if count >= limit:
                break
        found = [message for chunk in reversed(chunks) for message in chunk]
        return found[len(found) - limit :] if count > limit else found

    def unread(self, reader):
        found = []
        for number in self._inbox_segments(reader):
            view = self._segment_view(number)
            if view is not None:
                found.extend(view.messages[i] for i in view.unread.get(reader, ()))
        return found

    def take_unread(self, reader):
        if not self._may_have_unread(reader):
            return []

        # A reader far behind is served a few segments per batch, so that a
        # take never holds the whole history in memory.
        taken = []
        more = True
        while more:
            found, more = self._submit(
                lambda writing: writing.take(reader, SEGMENTS_PER_ROUND)
            )
            taken.extend(found)
        return taken

    def last_id(self):
        # meta.json changes only when a new segment is started; the newest
        # messages are counted from the segment it points at.
        recorded = self._meta()["last_id"]
        view = self._segment_view(self._tail(recorded))
        if view is None or not view.ids:
            return recorded
        return max(recorded, view.ids[-1])

    def wait(self, after_id, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            if self.last_id() > after_id:
                return True
            self._watch()
            while self.last_id() <= after_id:
                remaining = None if deadline is None else deadline - time.monotonic()
                if self._released or (remaining is not None and remaining <= 0):
                    return False
                self._changed.wait(remaining)
            return True

    def release_waiters(self):
        with self._changed:
            self._released = True
            self._changed.notify_all()

    def webhooks(self):
        # Every send asks, so the parsed settings are kept with the file.
        snapshot = self._files.load(self.layout.webhooks)
        return dict(snapshot.view(_webhooks_view)) if snapshot is not None else {}

    def update_webhook(self, name, changes):
        changes = dict(changes)
        # A field Webhook lacks, or a value that cannot be saved, fails here
        # rather than failing the batch of writes this update would join.
        json.dumps(replace(Webhook(), **changes).to_record())

        return self._submit(lambda writing: writing.update_webhook(name, changes))

    def close(self):
        with self._writer:
            with self._changed:
                watcher, self._watcher = self._watcher, None
            if watcher is not None and watcher.pid == os.getpid():
                watcher.close()
            self._lock.close()
            self._segments.clear()
            self._files.clear()

    def _prepare(self, segment_size):
        """Create meta.json or check it, take its segment size, repair after a crash."""
        if self._files.load(self.layout.meta) is None:
            fields = {"format": FORMAT, "segment_size": segment_size}
            self._write_meta({**fields, "next_id": 1, "last_id": 0})
        meta = self._meta()
        if meta.get("format") != FORMAT:
            raise ValueError(
                f"{self.layout.meta} is in format {meta.get('format')!r}; "
                f"this version of Forest Chat reads format {FORMAT}"
            )
        if meta["segment_size"] != segment_size:
            log.info(
                "%s keeps segments of %d messages; using that, not %d",
                self.layout.directory,
                meta["segment_size"],
                segment_size,
            )

        # Repair counts ids by segment, so it needs the size first.
        self.segment_size = meta["segment_size"]
        self._repair()

    def _repair(self):
        """Bring meta.json in line with the segments after a write was cut short."""
        removed = sum(remove_temp_files(folder) for folder in self.layout.folders)
        if removed:
            log.warning("removed %d temporary files left by a crash", removed)

        meta = self._meta()
        seen = self.last_id()
        last = self._highest_stored_id()
        if seen == last:
            return
        next_id = max(meta["next_id"], last + 1)
        self._write_meta({"next_id": next_id, "last_id": last})
        log.warning(
            "repaired %s after an interrupted write: last id %d -> %d, next id %d",
            self.layout.meta,
            seen,
            last,
            next_id,
        )

    def _highest_stored_id(self):
        for number in reversed(self.layout.segment_numbers()):
            view = self._segment_view(number)
            if view is not None and view.ids:
                return view.ids[-1]
        return 0

    def _submit(self, apply):
        """Run apply(writing) in the next batch of writes; return its result.

        Threads queue their requests. One of them (the leader) takes the
        locks, then every request queued by then, and writes them together
        with one round of fsyncs (group commit); the others wait for it.
        Requests queued meanwhile, even while the leader waits for another
        process to let go of the lock, go together in the next batch.
        """
        request = _Request(apply, self._batching)
        with self._batching:
            self._queue.append(request)
            while self._leading and not request.done:
                request.turn.wait()
            if request.done:
                return request.outcome()
            self._leading = True

        batch = []
        try:
            with self._writer, self._lock.hold() as interrupted:
                with self._batching:
                    batch, self._queue = self._queue, []
                self._write(batch, interrupted)
        except Exception:
            # A failed batch gave its error to each of its requests, and left
            # the lock marked for repair; failing before taking the queue is
            # this request's own failure, and it must not run later.
            if not request.done:
                with self._batching:
                    if request in self._queue:
                        self._queue.remove(request)
                raise
        finally:
            # Wake only the threads of this batch, and the first one queued
            # since to lead the next: not every waiting thread.
            with self._batching:
                self._leading = False
                for waiting in batch:
                    waiting.turn.notify()
                if self._queue:
                    self._queue[0].turn.notify()
        return request.outcome()

    def _write(self, batch, interrupted):
        """Apply a batch of requests and write it; give each its result or error.

        On failure, raise after giving every request the error.
        """
        try:
            if interrupted:
                self._repair()
            writing = _Writing(self, Transaction(durable=self.durable))
            for request in batch:
                request.result = request.apply(writing)
            writing.finish()
        except BaseException as error:
            log.exception(
                "writing %d changes to %s failed", len(batch), self.layout.directory
            )
            for request in batch:
                request.result, request.error = None, error
            raise
        else:
            if writing.appended:
                self._notify()
        finally:
            for request in batch:
                request.done = True

    def _notify(self):
        with self._changed:
            self._changed.notify_all()

    def _watch(self):
        """Start the store's watcher, unless it already runs in this process."""
        watcher = self._watcher
        if watcher is None or watcher.pid != os.getpid():
            folders = (self.layout.directory, self.layout.messages)
            self._watcher = ChangeWatcher(folders, self.last_id, self._notify)
            self._watcher.start()

    def _meta(self):
        return self._files.load(self.layout.meta).data["meta"]["1"]

    def _write_meta(self, fields, transaction=None):
        table = self._database(self.layout.meta, self._files, transaction).table("meta")
        if table.contains(doc_id=1):
            table.update(fields, doc_ids=[1])
        else:
            table.insert(Document(fields, doc_id=1))

    def _segment_of(self, message_id):
        return (message_id - 1) // self.segment_size + 1

    def _tail(self, last_id):
        """Return the number of the segment that holds last_id, or the first."""
        return self._segment_of(max(last_id, 1))

    def _segment_view(self, number):
        snapshot = self._segments.load(self.layout.segment(number))
        return snapshot.view(segment_view) if snapshot is not None else None

    def _views_between(self, low, high, *, descending=False):
        """Yield the SegmentViews of the segments that may hold ids low to high."""
        first, last = self._segment_of(low), self._segment_of(high)
        numbers = range(last, first - 1, -1) if descending else range(first, last + 1)

        misses = 0
        for position, number in enumerate(numbers):
            if misses == _SPARSE:
                rest = numbers[position:]
                present = [n for n in self.layout.segment_numbers() if n in rest]
                if descending:
                    present.reverse()
                views = (self._segment_view(n) for n in present)
                yield from (view for view in views if view is not None)
                return
            view = self._segment_view(number)
            if view is None:
                misses += 1
                continue
            misses = 0
            yield view

    def _inbox_segments(self, reader, view=inbox_view):
        """Return the segments reader's inbox index lists, ascending (or as view)."""
        snapshot = self._files.load(self.layout.inbox_of(reader))
        return snapshot.view(view) if snapshot is not None else view({})

    def _inbox_table(self, reader, transaction):
        path = self.layout.inbox_of(reader)
        return self._database(path, self._files, transaction).table("segments")

    def _may_have_unread(self, reader):
        for number in self._inbox_segments(reader):
            view = self._segment_view(number)
            if view is not None and view.unread.get(reader):
                return True
        return False

    def _database(self, path, cache, transaction=None):
        durable = self.durable
        return database(path, cache=cache, transaction=transaction, durable=durable)


def _webhooks_view(data):
    rows = data.get("webhooks", {}).values()
    return {row["name"]: Webhook.from_record(row) for row in rows}


class _Request:
    """One caller's change, waiting for a batch to carry it."""

    __slots__ = ("apply", "turn", "result", "error", "done")

    def __init__(self, apply, lock):
        self.apply = apply
        self.turn = threading.Condition(lock)
        self.result = None
        self.error = None
        self.done = False

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


class _Writing:
    """One batch of changes, applied in order in memory, then written to disk.

    finish() writes in three rounds, each fully on disk before the next:
    inbox entries for segments gaining unread messages (and webhooks, which
    stand apart), then the segments and meta, then the inbox entries of
    segments a take emptied. So an inbox index always lists every segment
    holding its reader's unread messages, whatever moment a crash picks.
    """

    def __init__(self, store, transaction):
        self._store = store
        self._transaction = transaction
        meta = store._meta()
        self._recorded = meta["last_id"]
        self.last_id = store.last_id()
        self.next_id = max(meta["next_id"], self.last_id + 1)
        self._segments = {}
        self._checked = {}
        self._to_list = {}
        self._drained = set()
        self.appended = False

    def append(self, drafts):
        messages = []
        for draft in drafts:
            message = Message.from_draft(draft, self.next_id)
            self._keep(message)
            messages.append(message)
        return messages

    def restore(self, message):
        """Keep message unless its id is stored; tell whether it was kept."""
        if self._segment(self._store._segment_of(message.id)).holds(message.id):
            return False
        self._keep(message)
        return True

    def take(self, reader, most):
        """Mark delivered reader's unread messages in the first most segments.

        Return them, and whether more segments are left to look at.
        """
        listed = self._store._inbox_segments(reader, inbox_members)
        numbers = sorted(listed | self._to_list.get(reader, set()))
        taken = []
        for number in numbers[:most]:
            segment = self._segment(number)
            for message in segment.unread(reader):
                taken.append(segment.put(message.delivered(reader)))
            self._drained.add((reader, number))
        return taken, len(numbers) > most

    def update_webhook(self, name, changes):
        store = self._store
        path = store.layout.webhooks
        table = store._database(path, store._files, self._transaction).table("webhooks")

        found = table.get(Query().name == name)
        webhook = replace(Webhook.from_record(found) if found else Webhook(), **changes)
        record = {"name": name, **webhook.to_record()}
        if found is None:
            table.insert(record)
        else:
            table.update(record, doc_ids=[found.doc_id])
        return webhook

    def finish(self):
        """Write everything the batch changed; see the class docstring for the order."""
        store = self._store
        for reader, numbers in self._to_list.items():
            entries = [
                Document({"file": f"messages/{segment_name(n)}"}, doc_id=n)
                for n in sorted(numbers)
            ]
            store._inbox_table(reader, self._transaction).insert_multiple(entries)
        self._transaction.flush()

        changed = {n: s for n, s in self._segments.items() if s.changes}
        for number, segment in changed.items():
            path = store.layout.segment(number)
            database = store._database(path, store._segments, self._transaction)
            segment.stage(database.table("messages"))
        if store._tail(self.last_id) != store._tail(self._recorded):
            fields = {"next_id": self.next_id, "last_id": self.last_id}
            store._write_meta(fields, self._transaction)
        written = self._transaction.flush()
        for number, segment in changed.items():
            snapshot = written.get(store.layout.segment(number))
            if snapshot is not None:
                snapshot.offer(segment_view, segment.merged())

        tail = store._segment_of(self.last_id) if self.last_id else 0
        emptied = {}
        for reader, number in sorted(self._drained):
            if number != tail and not self._segment(number).unread(reader):
                emptied.setdefault(reader, []).append(number)
        for reader, numbers in emptied.items():
            store._inbox_table(reader, self._transaction).remove(doc_ids=numbers)
        self._transaction.flush()

    def _keep(self, message):
        number = self._store._segment_of(message.id)
        self._segment(number).put(message)
        for reader in message.delivered_to:
            if message.is_unread_by(reader):
                self._list(reader, number)
        self.next_id = max(self.next_id, message.id + 1)
        self.last_id = max(self.last_id, message.id)
        self.appended = True

    def _segment(self, number):
        segment = self._segments.get(number)
        if segment is None:
            view = self._store._segment_view(number)
            segment = self._segments[number] = SegmentChanges(view)
        return segment

    def _list(self, reader, number):
        """See that reader's index will list segment number."""
        checked = self._checked.setdefault(reader, set())
        if number in checked:
            return
        checked.add(number)
        if number not in self._store._inbox_segments(reader, inbox_members):
            self._to_list.setdefault(reader, set()).add(number)
