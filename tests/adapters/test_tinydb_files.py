"""The pieces under TinyDBMessageStore: atomic TinyDB storage, transactions, cache."""

import json
import os

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from forest_chat.adapters.storage import atomic
from forest_chat.adapters.storage.cache import FileCache
from forest_chat.adapters.storage.tinydb_files import (
    AtomicJSONStorage,
    Transaction,
    database,
)


def leftovers(folder):
    return [name for name in os.listdir(folder) if name.endswith(atomic.TEMP_SUFFIX)]


class TestAtomicJSONStorage:
    def test_tinydb_reads_back_what_it_wrote(self, tmp_path):
        """Documents written through the storage read back, with TinyDB's own too."""
        path = tmp_path / "db.json"

        with TinyDB(path, storage=AtomicJSONStorage) as db:
            db.table("things").insert({"name": "fence"})
        with TinyDB(path, storage=JSONStorage, access_mode="r") as plain:
            found = plain.table("things").all()

        assert found == [{"name": "fence"}]

    def test_a_missing_file_is_an_empty_database(self, tmp_path):
        """Reading a file that does not exist gives an empty database and no file."""
        path = tmp_path / "db.json"

        with TinyDB(path, storage=AtomicJSONStorage) as db:
            tables = db.tables()

        assert tables == set()
        assert not path.exists()

    def test_a_failed_write_leaves_the_old_file(self, tmp_path, monkeypatch):
        """A write failing before its rename leaves the old content and no temp file."""
        path = tmp_path / "db.json"
        db = database(path)
        db.table("things").insert({"name": "fence"})
        before = path.read_bytes()

        def broken_fsync(handle):
            raise OSError("disk on fire")

        monkeypatch.setattr(os, "fsync", broken_fsync)
        with pytest.raises(OSError, match="disk on fire"):
            db.table("things").insert({"name": "shed"})

        assert path.read_bytes() == before
        assert leftovers(tmp_path) == []

    def test_text_stays_readable_on_disk(self, tmp_path):
        """Non-ASCII text is written as UTF-8, not as escapes."""
        path = tmp_path / "db.json"

        database(path).table("things").insert({"text": "ünïcode ✓"})

        assert "ünïcode ✓" in path.read_text(encoding="utf-8")

    def test_a_lone_surrogate_is_kept(self, tmp_path):
        """Text UTF-8 cannot hold is escaped rather than refused."""
        path = tmp_path / "db.json"

        database(path).table("things").insert({"text": "half \ud800 pair"})

        stored = json.loads(path.read_bytes())["things"]["1"]
        assert stored == {"text": "half \ud800 pair"}


class TestTransaction:
    def test_writes_wait_for_flush(self, tmp_path):
        """Staged writes are seen through the transaction, on disk only after flush."""
        path = tmp_path / "db.json"
        transaction = Transaction()
        db = database(path, transaction=transaction)

        db.table("things").insert({"name": "fence"})
        db.table("things").insert({"name": "shed"})
        staged = len(db.table("things"))
        existed = path.exists()
        transaction.flush()

        assert (staged, existed) == (2, False)
        assert len(database(path).table("things")) == 2

    def test_flush_writes_each_file_once(self, tmp_path, monkeypatch):
        """However many writes a file had, a flush replaces it once."""
        writes = []
        original = atomic.write_atomically

        def counting(path, payload, **options):
            writes.append(os.path.basename(path))
            return original(path, payload, **options)

        monkeypatch.setattr(
            "forest_chat.adapters.storage.tinydb_files.write_atomically", counting
        )
        transaction = Transaction()
        for _ in range(3):
            database(tmp_path / "a.json", transaction=transaction).table("t").insert({})
        database(tmp_path / "b.json", transaction=transaction).table("t").insert({})

        transaction.flush()

        assert writes == ["a.json", "b.json"]


class TestFileCache:
    def test_an_unchanged_file_is_not_parsed_again(self, tmp_path):
        """Loading a file twice gives the same snapshot while it stays the same."""
        path = str(tmp_path / "db.json")
        atomic.write_atomically(path, b'{"a": {}}')
        cache = FileCache(4)

        assert cache.load(path) is cache.load(path)

    def test_a_replaced_file_is_read_again(self, tmp_path):
        """A file replaced with the same size is noticed and read again."""
        path = str(tmp_path / "db.json")
        cache = FileCache(4)
        atomic.write_atomically(path, b'{"a": {"1": {"n": 1}}}')
        cache.load(path)

        atomic.write_atomically(path, b'{"a": {"1": {"n": 2}}}')

        assert cache.load(path).data == {"a": {"1": {"n": 2}}}

    def test_the_cache_keeps_at_most_its_capacity(self, tmp_path):
        """The least recently used snapshots are dropped beyond capacity."""
        cache = FileCache(2)
        for name in "abc":
            path = str(tmp_path / f"{name}.json")
            atomic.write_atomically(path, b"{}")
            cache.load(path)

        assert len(cache) == 2

    def test_a_missing_file_loads_as_none(self, tmp_path):
        """A path with no file gives None."""
        assert FileCache(2).load(str(tmp_path / "none.json")) is None
