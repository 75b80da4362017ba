"""A TinyDB storage that replaces its JSON file atomically, and batches of them."""

import json
import os

from tinydb import TinyDB
from tinydb.storages import Storage

from .atomic import sync_folder, write_atomically


def encode(data):
    """Return TinyDB data as the UTF-8 JSON text written to disk.

    Text is kept readable; only data holding a lone surrogate (valid in a
    JSON string, not in UTF-8) is written with ASCII escapes instead.
    """
    try:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data).encode("ascii")


def read_json(path):
    """Return the parsed JSON file at path, or None when it does not exist."""
    try:
        with open(path, "rb") as file:
            return json.loads(file.read())
    except FileNotFoundError:
        return None


def database(path, **options):
    """Open the TinyDB file at path through AtomicJSONStorage with options."""
    return TinyDB(os.fspath(path), storage=AtomicJSONStorage, **options)


class AtomicJSONStorage(Storage):
    """Keep a TinyDB database in one JSON file that is never seen half written.

    Each write goes to a temporary file in the same folder, is flushed and
    fsynced, renamed over the file, and the folder is fsynced. A missing file
    reads as an empty database; the file is created by the first write.

    With a FileCache, reads reuse the parse of an unchanged file. With a
    Transaction, writes are held by it and reach the disk when it flushes.
    With durable=False nothing is fsynced: a crashed process still leaves
    whole files, a crashed machine may not.
    """

    def __init__(self, path, *, cache=None, transaction=None, durable=True):
        super().__init__()
        self.path = os.fspath(path)
        self._cache = cache
        self._transaction = transaction
        self._durable = durable

    def read(self):
        if self._transaction is not None and self._transaction.holds(self.path):
            return _fresh(self._transaction.staged(self.path))
        if self._cache is None:
            return read_json(self.path)
        snapshot = self._cache.load(self.path)
        return _fresh(snapshot.data) if snapshot is not None else None

    def write(self, data):
        if self._transaction is not None:
            self._transaction.stage(self.path, data, self._cache)
            return

        stat = write_atomically(self.path, encode(data), durable=self._durable)
        if self._durable:
            sync_folder(os.path.dirname(self.path))
        if self._cache is not None:
            self._cache.remember(self.path, stat, data)


class Transaction:
    """TinyDB writes held in memory, so each file is replaced once per flush."""

    def __init__(self, *, durable=True):
        self.durable = durable
        self._staged = {}

    def holds(self, path):
        return path in self._staged

    def staged(self, path):
        return self._staged[path][0]

    def stage(self, path, data, cache):
        """Hold data as the next content of the file at path."""
        self._staged[path] = (data, cache)

    def flush(self):
        """Replace every held file, in the order first held, then sync the folders.

        Return {path: Snapshot} for the files written through a cache. When
        flush returns, every file is on disk (when durable); a crash during it
        may leave any of them old or new, never a mix within one file.
        """
        written = {}
        folders = set()
        for path, (data, cache) in self._staged.items():
            stat = write_atomically(path, encode(data), durable=self.durable)
            folders.add(os.path.dirname(path))
            if cache is not None:
                written[path] = cache.remember(path, stat, data)
        self._staged.clear()

        if self.durable:
            for folder in sorted(folders):
                sync_folder(folder)
        return written


def _fresh(data):
    """Return data with new dicts down to each document, for TinyDB to change."""
    if data is None:
        return None
    return {
        name: {doc_id: dict(document) for doc_id, document in table.items()}
        for name, table in data.items()
    }
