"""Small stand-ins for the hub's ports, for tests of the core."""

from datetime import datetime, timezone

from forest_chat.core import Attachment, Clock, FileStore, Waker
from forest_chat.core.errors import FileNotFound, TooLarge


class FakeFileStore(FileStore):
    """Keeps uploads in a dict under the names it is told exist."""

    def __init__(self, *names):
        self.files = {name: b"" for name in names}

    def save(self, stream, original_name, limit):
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(f"uploads are limited to {limit} bytes")

        filename = f"upload_{len(self.files) + 1}"
        self.files[filename] = data
        return Attachment(filename, original_name, f"/api/files/{filename}", len(data))

    def exists(self, filename):
        return filename in self.files

    def path(self, filename):
        if filename not in self.files:
            raise FileNotFound(filename)
        return filename


class RecordingWaker(Waker):
    """Remembers every wake it is asked for instead of sending anything."""

    def __init__(self, strategies=None):
        self.calls = []
        self._strategies = strategies

    def wake(self, participant, message, webhook):
        self.calls.append((participant, message, webhook))

    def strategies(self):
        return self._strategies

    @property
    def woken(self):
        return [participant.name for participant, _, _ in self.calls]


class FixedClock(Clock):
    """Always tells the same time."""

    def __init__(self, moment=datetime(2026, 2, 6, 9, 20, 0, 123456, timezone.utc)):
        self.moment = moment

    def now(self):
        return self.moment
