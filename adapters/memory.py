"""A complete message store in memory, for tests and library users."""

import bisect
import threading
from dataclasses import replace

from forest_chat.core import MessageStore, Message, Webhook


class MemoryStore(MessageStore):
    """Keeps everything in this process's memory; safe across threads."""

    def __init__(self):
        self._messages = {}
        self._ids = []
        self._inbox = {}
        self._webhooks = {}
        self._next_id = 1
        self._released = False
        self._changed = threading.Condition()

    def append(self, drafts):
        with self._changed:
            stored = []
            for draft in drafts:
                message = Message.from_draft(draft, self._next_id)
                self._next_id += 1
                self._keep(message)
                stored.append(message)
            self._changed.notify_all()
        return stored

    def restore(self, messages):
        with self._changed:
            added = 0
            for message in sorted(messages, key=lambda m: m.id):
                if message.id in self._messages:
                    continue
                self._keep(message)
                self._next_id = max(self._next_id, message.id + 1)
                added += 1
            self._changed.notify_all()
        return added

    def history(self, limit=None, since=None):
        with self._changed:
            start = bisect.bisect_right(self._ids, since) if since is not None else 0
            if limit is not None:
                start = max(start, len(self._ids) - limit)
            return [self._messages[i] for i in self._ids[start:]]

    def unread(self, reader):
        with self._changed:
            return [self._messages[i] for i in self._inbox.get(reader, ())]

    def take_unread(self, reader):
        with self._changed:
            taken = []
            for message_id in self._inbox.pop(reader, ()):
                message = self._messages[message_id].delivered(reader)
                self._messages[message_id] = message
                taken.append(message)
            return taken

    def last_id(self):
        with self._changed:
            return self._ids[-1] if self._ids else 0

    def wait(self, after_id, timeout):
        with self._changed:
            self._changed.wait_for(
                lambda: self._released or self.last_id() > after_id, timeout
            )
            return self.last_id() > after_id

    def release_waiters(self):
        with self._changed:
            self._released = True
            self._changed.notify_all()

    def webhooks(self):
        with self._changed:
            return dict(self._webhooks)

    def update_webhook(self, name, changes):
        with self._changed:
            webhook = replace(self._webhooks.get(name, Webhook()), **changes)
            self._webhooks[name] = webhook
            return webhook

    def _keep(self, message):
        self._messages[message.id] = message
        bisect.insort(self._ids, message.id)
        for reader in message.delivered_to:
            if message.is_unread_by(reader):
                bisect.insort(self._inbox.setdefault(reader, []), message.id)
