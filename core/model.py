"""The things the hub talks about: participants, messages and webhooks."""

import re
from dataclasses import dataclass, field, replace
from typing import Mapping
from urllib.parse import urlsplit, urlunsplit

from .errors import NotABot, RosterError, UnknownParticipant

BROADCAST = "all"
BOT = "bot"
HUMAN = "human"
KINDS = (BOT, HUMAN)

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def is_valid_name(name):
    """Tell whether a name is a lowercase identifier a participant may have."""
    return isinstance(name, str) and bool(_NAME.fullmatch(name)) and name != BROADCAST


@dataclass(frozen=True)
class Participant:
    """Someone on the roster: a bot that can be woken or a human."""

    name: str
    kind: str

    @property
    def is_bot(self):
        return self.kind == BOT


class Roster:
    """The participants of a hub and the operator who receives CC copies."""

    def __init__(self, participants, operator):
        self._by_name = {}
        for participant in participants:
            if not is_valid_name(participant.name):
                raise RosterError(
                    f"participant name {participant.name!r} must be a lowercase "
                    "identifier (a-z, 0-9, '-', '_', at most 32) and not 'all'"
                )
            if participant.kind not in KINDS:
                raise RosterError(
                    f"participant {participant.name!r} has kind {participant.kind!r}; "
                    f"use one of: {', '.join(KINDS)}"
                )
            if participant.name in self._by_name:
                raise RosterError(f"participant {participant.name!r} is listed twice")
            self._by_name[participant.name] = participant

        if operator not in self._by_name:
            raise RosterError(f"operator {operator!r} is not a participant")
        self.operator = operator

    @classmethod
    def default(cls):
        """Return the roster the original hub hard-coded."""
        return cls(
            [
                Participant("cypress", BOT),
                Participant("redwood", BOT),
                Participant("matthew", HUMAN),
                Participant("bigc", HUMAN),
            ],
            operator="matthew",
        )

    def __contains__(self, name):
        return name in self._by_name

    def __iter__(self):
        return iter(self._by_name.values())

    def __len__(self):
        return len(self._by_name)

    def __eq__(self, other):
        if not isinstance(other, Roster):
            return NotImplemented
        return (
            list(self) == list(other) and self.operator == other.operator
        )

    def __repr__(self):
        names = ", ".join(f"{p.name}:{p.kind}" for p in self)
        return f"Roster([{names}], operator={self.operator!r})"

    @property
    def names(self):
        return list(self._by_name)

    @property
    def bots(self):
        return [p for p in self if p.is_bot]

    def participant(self, name, *, role="participant"):
        """Return the participant called name, or raise UnknownParticipant."""
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise UnknownParticipant(name, self._by_name, role=role) from None

    def bot(self, name):
        """Return the bot called name, or raise NotABot or UnknownParticipant."""
        bots = [p.name for p in self.bots]
        if name not in self._by_name:
            raise UnknownParticipant(name, bots, role="bot")
        participant = self._by_name[name]
        if not participant.is_bot:
            raise NotABot(name, bots)
        return participant

    def addressee(self, name):
        """Check that name may be a message's recipient: a participant or 'all'."""
        if name == BROADCAST:
            return name
        if name in self._by_name:
            return name
        raise UnknownParticipant(
            name, self._by_name, role="recipient", extra=[BROADCAST]
        )


@dataclass(frozen=True)
class Attachment:
    """A file uploaded to the hub and attached to a message."""

    filename: str
    original_name: str
    url: str
    size: int

    def to_wire(self):
        return {
            "filename": self.filename,
            "original_name": self.original_name,
            "url": self.url,
            "size": self.size,
        }

    @classmethod
    def from_wire(cls, data):
        return cls(
            filename=data["filename"],
            original_name=data.get("original_name", data["filename"]),
            url=data.get("url", file_url(data["filename"])),
            size=data.get("size", 0),
        )


def file_url(filename):
    """Return the hub-relative address an uploaded file is served at."""
    return f"/api/files/{filename}"


def loggable_url(url):
    """Return url without credentials, query or fragment, which may hold secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class Draft:
    """A message the hub has accepted but not yet numbered and stored."""

    sender: str
    to: str
    text: str
    timestamp: str
    recipients: tuple
    attachments: tuple = ()
    copy_of: object = None


@dataclass(frozen=True)
class Message:
    """A stored message with its id and who has fetched it."""

    id: int
    sender: str
    to: str
    text: str
    timestamp: str
    delivered_to: Mapping[str, bool] = field(default_factory=dict)
    attachments: tuple = ()

    @classmethod
    def from_draft(cls, draft, message_id):
        """Number a draft: every recipient starts as not delivered."""
        return cls(
            id=message_id,
            sender=draft.sender,
            to=draft.to,
            text=draft.text,
            timestamp=draft.timestamp,
            delivered_to={name: False for name in draft.recipients},
            attachments=tuple(draft.attachments),
        )

    def is_unread_by(self, reader):
        """Tell whether reader is a recipient who has not fetched this yet."""
        return self.sender != reader and self.delivered_to.get(reader) is False

    def delivered(self, reader):
        """Return this message as it is once reader has fetched it."""
        return replace(self, delivered_to={**self.delivered_to, reader: True})

    def to_wire(self):
        """Return the message in the API's JSON shape."""
        return {
            "id": self.id,
            "from": self.sender,
            "to": self.to,
            "message": self.text,
            "timestamp": self.timestamp,
            "delivered_to": dict(self.delivered_to),
            "attachments": [a.to_wire() for a in self.attachments],
        }

    @classmethod
    def from_wire(cls, data):
        """Build a message from the API's JSON shape."""
        return cls(
            id=data["id"],
            sender=data["from"],
            to=data["to"],
            text=data.get("message", ""),
            timestamp=data["timestamp"],
            delivered_to=dict(data.get("delivered_to") or {}),
            attachments=tuple(
                Attachment.from_wire(a) for a in data.get("attachments") or ()
            ),
        )


@dataclass(frozen=True)
class WakeOutcome:
    """How the last attempt to wake a bot ended."""

    ok: bool
    at: str
    attempts: int
    status: object = None
    error: object = None

    def to_wire(self):
        return {
            "ok": self.ok,
            "at": self.at,
            "attempts": self.attempts,
            "status": self.status,
            "error": self.error,
        }

    @classmethod
    def from_wire(cls, data):
        return cls(**data)


@dataclass(frozen=True)
class Webhook:
    """Where and how to wake a bot; the token is a secret and never shown."""

    url: str = ""
    token: str = ""
    strategy: str = ""
    last_wake: object = None

    def __repr__(self):
        secret = "***" if self.token else ""
        return (
            f"Webhook(url={self.url!r}, token={secret!r}, "
            f"strategy={self.strategy!r}, last_wake={self.last_wake!r})"
        )

    @property
    def configured(self):
        return bool(self.url)

    def public(self):
        """Return the settings as shown to clients: the token only as has_token."""
        return {
            "url": self.url,
            "has_token": bool(self.token),
            "strategy": self.strategy or None,
            "last_wake": self.last_wake.to_wire() if self.last_wake else None,
        }

    def to_record(self):
        """Return every field, token included, for a store to keep."""
        return {
            "url": self.url,
            "token": self.token,
            "strategy": self.strategy,
            "last_wake": self.last_wake.to_wire() if self.last_wake else None,
        }

    @classmethod
    def from_record(cls, data):
        last = data.get("last_wake")
        return cls(
            url=data.get("url", ""),
            token=data.get("token", ""),
            strategy=data.get("strategy", ""),
            last_wake=WakeOutcome.from_wire(last) if last else None,
        )


@dataclass(frozen=True)
class Copy:
    """An extra message a rule asks for: same sender and attachments."""

    to: str
    text: str
