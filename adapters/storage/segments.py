"""Views of segment and inbox files, and the changes a batch makes to a segment."""

import bisect

from tinydb.table import Document

from forest_chat.core import Message


class SegmentView:
    """The messages of one segment, by id, and who has not fetched which."""

    __slots__ = ("ids", "messages", "unread")

    def __init__(self, messages, ids, unread):
        self.messages = messages
        self.ids = ids
        self.unread = unread

    @classmethod
    def of(cls, messages):
        """Build the view of {id: Message}."""
        ids = sorted(messages)
        unread = {}
        _add_unread(unread, messages, ids)
        return cls(messages, ids, unread)

    def updated(self, changes):
        """Return the view with changes ({id: Message}, new or changed) applied.

        Cheaper than building it anew: most batches add a few messages to the
        end of a segment or mark a few delivered.
        """
        messages = {**self.messages, **changes}
        new = sorted(i for i in changes if i not in self.messages)
        if new and self.ids and new[0] < self.ids[-1]:
            ids = sorted(messages)
        else:
            ids = self.ids + new

        unread = {}
        for reader, listed in self.unread.items():
            kept = [i for i in listed if i not in changes]
            if kept:
                unread[reader] = kept
        _add_unread(unread, changes, sorted(changes))
        for listed in unread.values():
            listed.sort()
        return SegmentView(messages, ids, unread)

    def between(self, low, high):
        """Return the messages with low <= id <= high, oldest first."""
        start = bisect.bisect_left(self.ids, low)
        stop = bisect.bisect_right(self.ids, high)
        return [self.messages[i] for i in self.ids[start:stop]]


def _add_unread(unread, messages, ids):
    """Add to unread ({reader: [id]}) the given messages' unread readers."""
    for message_id in ids:
        message = messages[message_id]
        for reader, delivered in message.delivered_to.items():
            # Message.is_unread_by, inlined: this runs for every stored message.
            if delivered is False and reader != message.sender:
                unread.setdefault(reader, []).append(message_id)


def segment_view(data):
    """Build the SegmentView of a segment file's TinyDB data."""
    table = data.get("messages", {})
    return SegmentView.of(
        {int(key): Message.from_wire(doc) for key, doc in table.items()}
    )


def inbox_view(data):
    """Return the segment numbers an inbox index file lists, ascending."""
    return tuple(sorted(int(key) for key in data.get("segments", {})))


def inbox_members(data):
    """Return the segment numbers an inbox index file lists, as a frozenset."""
    return frozenset(int(key) for key in data.get("segments", {}))


class SegmentChanges:
    """A segment as one batch of writes sees it: the file plus the batch's changes."""

    def __init__(self, view):
        self.base = view
        self.changes = {}

    def holds(self, message_id):
        known = self.base is not None and message_id in self.base.messages
        return known or message_id in self.changes

    def put(self, message):
        """Keep message as the new state of its id; return it."""
        self.changes[message.id] = message
        return message

    def unread(self, reader):
        """Return the messages reader has not fetched, as changed so far."""
        found = {}
        if self.base is not None:
            for message_id in self.base.unread.get(reader, ()):
                found[message_id] = self.base.messages[message_id]
        found.update(self.changes)
        return [found[i] for i in sorted(found) if found[i].is_unread_by(reader)]

    def stage(self, table):
        """Apply the changes to the segment's TinyDB messages table."""
        known = self.base.messages if self.base is not None else {}
        new = [m for i, m in self.changes.items() if i not in known]
        marked = {i: m for i, m in self.changes.items() if i in known}

        if new:
            table.insert_multiple(Document(m.to_wire(), doc_id=m.id) for m in new)
        if marked:
            table.update(_deliveries(marked), doc_ids=list(marked))

    def merged(self):
        """Return the SegmentView of the segment once the changes are written."""
        if self.base is None:
            return SegmentView.of(dict(self.changes))
        return self.base.updated(self.changes)


def _deliveries(marked):
    """Return a TinyDB update setting each document's delivered_to from marked."""

    def update(document):
        document["delivered_to"] = dict(marked[document["id"]].delivered_to)

    return update
