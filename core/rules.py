"""The hub's default routing: who receives a message and the CC rule."""

from .model import BROADCAST, Copy
from .ports import Rules


def default_recipients(message, roster):
    """Return the addressee, or for a broadcast everyone but the sender."""
    if message.to == BROADCAST:
        return [name for name in roster.names if name != message.sender]
    return [message.to]


def cc_copies(message, roster):
    """Copy a bot's message to the operator unless it already reaches them.

    The copy's text is ``[CC:<to>] <text>``.
    """
    operator = roster.operator
    if message.to in (operator, BROADCAST) or message.sender not in roster:
        return []
    if not roster.participant(message.sender).is_bot:
        return []
    return [Copy(to=operator, text=f"[CC:{message.to}] {message.text}")]


class DefaultRules(Rules):
    """Routing as the original hub did it, with no plugins at all."""

    def recipients(self, message, roster):
        return default_recipients(message, roster)

    def copies(self, message, roster):
        return cc_copies(message, roster)
