"""Where each part of a TinyDB message store lives under its directory."""

import hashlib
import os
import re

# Names that are safe as file names as they are; any other reader name is
# hashed, so no name can reach outside the inbox folder.
_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_SEGMENT_FILE = re.compile(r"(\d{6,})\.json")


class Layout:
    """The paths of a store's files.

    ``meta.json`` holds the next and last ids, ``webhooks.json`` the bots'
    settings, ``lock`` is what writers lock, ``messages/NNNNNN.json`` holds
    segment N (ids (N-1)*size+1 to N*size) and ``inbox/<reader>.json`` the
    segments that may hold messages the reader has not fetched.
    """

    def __init__(self, directory):
        self.directory = os.path.abspath(os.fspath(directory))
        self.meta = os.path.join(self.directory, "meta.json")
        self.webhooks = os.path.join(self.directory, "webhooks.json")
        self.lock = os.path.join(self.directory, "lock")
        self.messages = os.path.join(self.directory, "messages")
        self.inbox = os.path.join(self.directory, "inbox")

    @property
    def folders(self):
        return (self.directory, self.messages, self.inbox)

    def create(self):
        """Make the folders that are missing."""
        for folder in self.folders:
            os.makedirs(folder, exist_ok=True)

    def segment(self, number):
        return os.path.join(self.messages, segment_name(number))

    def inbox_of(self, reader):
        return os.path.join(self.inbox, f"{inbox_name(reader)}.json")

    def segment_numbers(self):
        """Return the numbers of the segment files there are, ascending."""
        numbers = []
        with os.scandir(self.messages) as entries:
            for entry in entries:
                match = _SEGMENT_FILE.fullmatch(entry.name)
                if match:
                    numbers.append(int(match.group(1)))
        return sorted(numbers)


def segment_name(number):
    return f"{number:06d}.json"


def inbox_name(reader):
    """Return the file name (without .json) of reader's inbox index."""
    if _PLAIN_NAME.fullmatch(reader):
        return reader
    return "~" + hashlib.sha256(reader.encode("utf-8")).hexdigest()
