"""Parsed JSON files kept in memory while the file on disk stays the same."""

import json
import os
import threading
from collections import OrderedDict


def file_key(stat):
    """Return what tells one version of a file from another.

    Files are only ever replaced by rename, never changed in place, so a new
    version has a new inode, and its nanosecond mtime is one we set ourselves.
    """
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class Snapshot:
    """One version of a file: its key, its parsed data and views built from it."""

    __slots__ = ("key", "data", "_views")

    def __init__(self, key, data):
        self.key = key
        self.data = data
        self._views = {}

    def view(self, build):
        """Return build(data), computed once per snapshot."""
        try:
            return self._views[build]
        except KeyError:
            value = self._views[build] = build(self.data)
            return value

    def offer(self, build, value):
        """Keep value as what build(data) would return, to spare computing it."""
        self._views[build] = value


class FileCache:
    """A bounded LRU of parsed JSON files, revalidated with one stat per read."""

    def __init__(self, capacity):
        self.capacity = capacity
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def load(self, path):
        """Return the Snapshot of the file now at path, or None when there is none."""
        try:
            key = file_key(os.stat(path))
        except FileNotFoundError:
            self.forget(path)
            return None

        with self._lock:
            snapshot = self._entries.get(path)
            if snapshot is not None and snapshot.key == key:
                self._entries.move_to_end(path)
                return snapshot

        try:
            with open(path, "rb") as file:
                key = file_key(os.fstat(file.fileno()))
                data = json.loads(file.read())
        except FileNotFoundError:
            self.forget(path)
            return None
        return self._keep(path, Snapshot(key, data))

    def remember(self, path, stat, data):
        """Keep data as the content of the file at path with this stat; return it."""
        return self._keep(path, Snapshot(file_key(stat), data))

    def forget(self, path):
        with self._lock:
            self._entries.pop(path, None)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)

    def _keep(self, path, snapshot):
        with self._lock:
            self._entries[path] = snapshot
            self._entries.move_to_end(path)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return snapshot
