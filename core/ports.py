"""What the hub needs from the world, as small abstract classes.

Adapters implement these; the core never imports an adapter.
"""

import abc
from datetime import datetime, timezone


class MessageStore(abc.ABC):
    """Keeps messages, who has fetched them, and the bots' webhook settings.

    Every method is safe to call from several threads, and a store shared by
    several processes keeps its promises across them.
    """

    @abc.abstractmethod
    def append(self, drafts):
        """Number and keep drafts in one step; return them as Messages.

        Ids strictly increase and are never reused, across every caller.
        """

    @abc.abstractmethod
    def restore(self, messages):
        """Keep Messages that already have ids, as an import does.

        Skip ids already stored; later appends number after the highest id.
        Return how many were added.
        """

    @abc.abstractmethod
    def history(self, limit=None, since=None):
        """Return messages with id > since, then the last limit, oldest first."""

    @abc.abstractmethod
    def unread(self, reader):
        """Return the messages reader has not fetched yet, oldest first.

        Stores should answer in time proportional to what is returned.
        """

    @abc.abstractmethod
    def take_unread(self, reader):
        """Mark reader's unread messages delivered and return them, oldest first.

        Each message is returned by exactly one call per reader, even when
        calls race.
        """

    @abc.abstractmethod
    def last_id(self):
        """Return the highest id stored, or 0 when there is none."""

    @abc.abstractmethod
    def wait(self, after_id, timeout):
        """Block until a message with id > after_id is stored or timeout passes.

        Return True when there is such a message. Waiting must not spin.
        """

    @abc.abstractmethod
    def release_waiters(self):
        """Make every wait under way, and every later one, return False at once.

        Called as the hub stops, so that long-polls answer instead of being cut.
        """

    @abc.abstractmethod
    def webhooks(self):
        """Return {bot name: Webhook} for every bot with saved settings."""

    @abc.abstractmethod
    def update_webhook(self, name, changes):
        """Apply changes ({field: value}) to bot name's Webhook in one step.

        Start from an empty Webhook when there is none; return the result.
        """

    def close(self):
        """Release what the store holds open."""


class FileStore(abc.ABC):
    """Keeps uploaded files under the names the hub gives them."""

    @abc.abstractmethod
    def save(self, stream, original_name, limit):
        """Store the bytes of stream (a binary file object); return an Attachment.

        Raise TooLarge, keeping nothing, when stream holds more than limit bytes.
        """

    @abc.abstractmethod
    def exists(self, filename):
        """Tell whether filename names a stored upload."""

    @abc.abstractmethod
    def path(self, filename):
        """Return where the upload lives, or raise FileNotFound."""


class Waker(abc.ABC):
    """Wakes a bot about a message, in the background."""

    @abc.abstractmethod
    def wake(self, participant, message, webhook):
        """Start waking participant about message; return without waiting."""

    def strategies(self):
        """Return the names of the wake strategies known, or None for any."""
        return None

    def close(self):
        """Stop taking wakes and let those under way finish."""


class Rules(abc.ABC):
    """Decides who receives a message, what copies it makes, and who hears of it."""

    @abc.abstractmethod
    def recipients(self, message, roster):
        """Return the names that receive message (a Draft), in order."""

    @abc.abstractmethod
    def copies(self, message, roster):
        """Return the Copy objects message (a Draft) should produce."""

    def stored(self, message):
        """Hear about message (a Message) after it was stored."""


class Clock(abc.ABC):
    """Tells the time."""

    @abc.abstractmethod
    def now(self):
        """Return the current time as an aware datetime."""


class SystemClock(Clock):
    """The computer's clock, in UTC."""

    def now(self):
        return datetime.now(timezone.utc)
