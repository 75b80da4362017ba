"""Reading the ``messages.json`` that the original Flask hub wrote."""

import json
import logging
from dataclasses import dataclass, field

from forest_chat.core import Attachment, Message
from forest_chat.core.rules import default_recipients

log = logging.getLogger(__name__)

LEGACY_FILE = "messages.json"


class LegacyFileError(ValueError):
    """A file that is not a history written by the original hub."""


@dataclass
class LegacyHistory:
    """What a legacy file held: messages to keep, and what could not be kept."""

    messages: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def read_legacy(path, roster):
    """Return the messages of the original hub's file at path, in our model.

    Each reader gets from /api/read exactly what the original hub would have
    given: its old boolean ``delivered_to`` meant nothing was delivered.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LegacyFileError(f"{path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LegacyFileError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(raw, list):
        raise LegacyFileError(f"{path} must hold a JSON list of messages")

    history = LegacyHistory()
    seen = set()
    for position, item in enumerate(raw):
        problem = _problem(item, seen)
        if problem:
            history.skipped.append(f"entry {position}: {problem}")
            continue
        seen.add(item["id"])
        history.messages.append(_convert(item, roster))
    return history


def _problem(item, seen):
    if not isinstance(item, dict):
        return "not an object"
    message_id = item.get("id")
    if (
        isinstance(message_id, bool)
        or not isinstance(message_id, int)
        or message_id < 1
    ):
        return f"id {message_id!r} is not a whole number above 0"
    if message_id in seen:
        return f"id {message_id} was already used earlier in the file"
    for key in ("from", "to"):
        if not isinstance(item.get(key), str) or not item[key]:
            return f"{key!r} is missing or not a string"
    return None


def _convert(item, roster):
    old_marks = item.get("delivered_to")
    if not isinstance(old_marks, dict):
        old_marks = {}

    sender, to = item["from"], item["to"]
    recipients = default_recipients(_Address(sender, to), roster)
    marks = {name: bool(old_marks.get(name)) for name in recipients}
    marks.update({name: True for name, value in old_marks.items() if value is True})

    return Message(
        id=item["id"],
        sender=sender,
        to=to,
        text=item.get("message") if isinstance(item.get("message"), str) else "",
        timestamp=str(item.get("timestamp") or ""),
        delivered_to=marks,
        attachments=tuple(
            Attachment.from_wire(a)
            for a in item.get("attachments") or ()
            if isinstance(a, dict) and isinstance(a.get("filename"), str)
        ),
    )


@dataclass(frozen=True)
class _Address:
    sender: str
    to: str


def import_legacy(path, store, roster):
    """Restore the legacy file at path into store; return (added, history)."""
    history = read_legacy(path, roster)
    added = store.restore(history.messages)
    log.info(
        "imported %s: %d added, %d already there, %d skipped",
        path,
        added,
        len(history.messages) - added,
        len(history.skipped),
    )
    return added, history
