"""Forest Chat's domain: who may talk to whom, and what the hub promises.

Pure Python: no web framework, database, network or file access. Adapters
implement the ports in ``ports``; ``MemoryStore`` in ``forest_chat.adapters``
is a complete store for tests and library use.
"""

from . import errors
from .errors import ForestChatError
from .hub import Hub, Sent
from .model import (
    BOT,
    BROADCAST,
    HUMAN,
    Attachment,
    Copy,
    Draft,
    Message,
    Participant,
    Roster,
    WakeOutcome,
    Webhook,
)
from .ports import Clock, FileStore, MessageStore, Rules, SystemClock, Waker
from .rules import DefaultRules, cc_copies, default_recipients

__all__ = [
    "BOT",
    "BROADCAST",
    "HUMAN",
    "Attachment",
    "Clock",
    "Copy",
    "DefaultRules",
    "Draft",
    "FileStore",
    "ForestChatError",
    "Hub",
    "Message",
    "MessageStore",
    "Participant",
    "Roster",
    "Rules",
    "Sent",
    "SystemClock",
    "WakeOutcome",
    "Waker",
    "Webhook",
    "cc_copies",
    "default_recipients",
    "errors",
]
