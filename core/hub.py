"""The hub's use cases: send, read, history, upload and webhook settings."""

import logging
import time
from datetime import timezone
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

from .errors import (
    BadAttachment,
    EmptyMessage,
    InvalidInput,
    InvalidWebhook,
    MessageTooLong,
    UnknownParticipant,
)
from .model import BROADCAST, Attachment, Draft, Webhook, file_url, loggable_url
from .ports import SystemClock
from .rules import DefaultRules

log = logging.getLogger(__name__)

MAX_TEXT = 100_000
MAX_ATTACHMENTS = 50
MAX_UPLOAD = 25 * 1024 * 1024
MAX_WAIT = 60


@dataclass(frozen=True)
class Sent:
    """What one send did: the message, the copies it made, the bots woken."""

    message: object
    copies: tuple
    woken: tuple


class Hub:
    """Forest Chat's rules, over a store and whatever else it is given."""

    def __init__(
        self,
        store,
        roster,
        *,
        files=None,
        waker=None,
        rules=None,
        clock=None,
        max_text=MAX_TEXT,
        max_upload=MAX_UPLOAD,
        webhook_hosts=(),
    ):
        self.store = store
        self.roster = roster
        self.files = files
        self.waker = waker
        self.rules = rules or DefaultRules()
        self.clock = clock or SystemClock()
        self.max_text = max_text
        self.max_upload = max_upload
        self.webhook_hosts = frozenset(host.lower() for host in webhook_hosts)

    def send(self, sender, to, text="", attachments=()):
        """Store a message and its copies, wake its bots; return the message."""
        return self.deliver(sender, to, text, attachments).message

    def deliver(self, sender, to, text="", attachments=()):
        """Store a message and its copies, wake its bots; return a Sent."""
        self.roster.participant(sender, role="sender")
        if not isinstance(to, str):
            raise InvalidInput(
                "'to' must be a participant name or 'all', as a string; "
                f"known names are: {', '.join(sorted(self.roster.names))}"
            )
        text = self._check_text(text)
        attachments = self._check_attachments(attachments)
        if not text.strip() and not attachments:
            raise EmptyMessage()

        now = self.clock.now().astimezone(timezone.utc)
        timestamp = now.isoformat(timespec="microseconds")
        draft = self._draft(sender, to, text, timestamp, attachments)
        copies = [
            self._draft(sender, c.to, c.text, timestamp, attachments, copy_of=draft)
            for c in self.rules.copies(draft, self.roster)
        ]

        message, *copied = self.store.append([draft, *copies])
        for stored in (message, *copied):
            self.rules.stored(stored)

        woken = self._wake(message)
        return Sent(message=message, copies=tuple(copied), woken=woken)

    def read(self, reader, mark=True, wait=0):
        """Return reader's unread messages, marking them delivered when mark.

        With wait, hold on up to wait seconds for something to arrive.
        """
        self.roster.participant(reader, role="reader")
        deadline = time.monotonic() + self._check_wait(wait)

        while True:
            seen = self.store.last_id()
            found = (
                self.store.take_unread(reader) if mark else self.store.unread(reader)
            )
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            if not self.store.wait(seen, remaining):
                return found

    def history(self, limit=None, since=None, wait=None):
        """Return messages after since, the last limit of them, oldest first.

        With since and wait, hold on up to wait seconds for a newer message;
        a wait without since is refused.
        """
        limit = _count(limit, "limit")
        since = _count(since, "since")
        if wait is not None and since is None:
            raise InvalidInput(
                "'wait' needs 'since': the id of the newest message you have, "
                "so the hub can wait for a newer one"
            )
        deadline = time.monotonic() + self._check_wait(wait)

        while True:
            found = self.store.history(limit=limit, since=since)
            remaining = deadline - time.monotonic()
            if found or since is None or limit == 0 or remaining <= 0:
                return found
            if not self.store.wait(since, remaining):
                return found

    def stop_waiting(self):
        """Answer every long-poll now, and every later one at once: the hub stops."""
        self.store.release_waiters()

    def upload(self, stream, original_name):
        """Keep an uploaded file; return the Attachment that names it."""
        if self.files is None:
            raise InvalidInput("this hub takes no uploads")
        if not isinstance(original_name, str) or not original_name.strip():
            raise InvalidInput("the uploaded file needs a file name")
        return self.files.save(stream, original_name, self.max_upload)

    def webhooks(self):
        """Return {bot: Webhook} for every bot on the roster."""
        saved = self.store.webhooks()
        return {bot.name: saved.get(bot.name, Webhook()) for bot in self.roster.bots}

    def set_webhook(self, target, url=None, token=None, strategy=None):
        """Change how bot target is woken; a None argument keeps what is there."""
        self.roster.bot(target)
        changes = {}
        if url is not None:
            changes["url"] = self._check_webhook_host(_check_url(url))
        if token is not None:
            changes["token"] = _check_token(token)
        if strategy is not None:
            changes["strategy"] = self._check_strategy(strategy)

        webhook = self.store.update_webhook(target, changes)
        log.info(
            "webhook of %s set: url=%s token=%s strategy=%s",
            target,
            loggable_url(webhook.url) or "-",
            "set" if webhook.token else "none",
            webhook.strategy or "by url",
        )
        return webhook

    def strategies(self):
        """Return the names of the wake strategies a webhook may choose.

        None means any name is taken: there is no waker to ask.
        """
        return self.waker.strategies() if self.waker else None

    def record_wake(self, name, outcome):
        """Keep how the last wake of bot name went, for clients to see."""
        self.store.update_webhook(name, {"last_wake": outcome})

    def _draft(self, sender, to, text, timestamp, attachments, copy_of=None):
        draft = Draft(
            sender=sender,
            to=to,
            text=text,
            timestamp=timestamp,
            recipients=(),
            attachments=attachments,
            copy_of=copy_of,
        )
        return replace(draft, recipients=tuple(self._recipients(draft)))

    def _recipients(self, draft):
        known_address = draft.to == BROADCAST or draft.to in self.roster
        recipients = list(dict.fromkeys(self.rules.recipients(draft, self.roster)))
        strangers = [name for name in recipients if name not in self.roster]
        if not known_address and (not recipients or draft.to in recipients):
            raise UnknownParticipant(
                draft.to, self.roster.names, role="recipient", extra=[BROADCAST]
            )
        if strangers:
            raise UnknownParticipant(strangers[0], self.roster.names, role="recipient")
        return recipients

    def _wake(self, message):
        if self.waker is None:
            return ()

        webhooks = self.store.webhooks()
        woken = []
        for name in message.delivered_to:
            participant = self.roster.participant(name)
            webhook = webhooks.get(name)
            if name == message.sender or not participant.is_bot:
                continue
            if webhook is None or not webhook.configured:
                continue
            if not self._may_wake(webhook.url):
                log.warning("wake of %s skipped: its url's host is not allowed", name)
                continue
            self.waker.wake(participant, message, webhook)
            woken.append(name)
        return tuple(woken)

    def _may_wake(self, url):
        return not self.webhook_hosts or urlsplit(url).hostname in self.webhook_hosts

    def _check_webhook_host(self, url):
        if url and not self._may_wake(url):
            raise InvalidWebhook(
                f"this hub wakes only these hosts: "
                f"{', '.join(sorted(self.webhook_hosts))}; the url points elsewhere"
            )
        return url

    def _check_text(self, text):
        if text is None:
            return ""
        if not isinstance(text, str):
            raise InvalidInput("'message' must be a string")
        if not _is_unicode(text):
            raise InvalidInput("'message' holds a lone surrogate, which is not text")
        if len(text) > self.max_text:
            raise MessageTooLong(len(text), self.max_text)
        return text

    def _check_attachments(self, attachments):
        if attachments is None:
            return ()
        not_a_list = isinstance(attachments, (str, bytes, Mapping))
        if not_a_list or not isinstance(attachments, Iterable):
            raise BadAttachment("'attachments' must be a list of uploaded files")
        attachments = list(attachments)
        if len(attachments) > MAX_ATTACHMENTS:
            raise BadAttachment(
                f"a message takes at most {MAX_ATTACHMENTS} attachments, "
                f"not {len(attachments)}"
            )
        return tuple(
            self._check_attachment(i, item) for i, item in enumerate(attachments)
        )

    def _check_attachment(self, index, item):
        where = f"attachments[{index}]"
        if isinstance(item, Attachment):
            item = item.to_wire()
        if not isinstance(item, Mapping):
            raise BadAttachment(f"{where} must be an object from POST /api/upload")

        filename = item.get("filename")
        if not isinstance(filename, str) or not filename:
            raise BadAttachment(
                f"{where} needs 'filename', as POST /api/upload gave it"
            )
        url = item.get("url", file_url(filename))
        if url != file_url(filename):
            raise BadAttachment(f"{where}: 'url' must be {file_url(filename)!r}")
        original_name = item.get("original_name", filename)
        if not isinstance(original_name, str) or not _is_unicode(original_name):
            raise BadAttachment(f"{where}: 'original_name' must be a string")
        size = item.get("size", 0)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise BadAttachment(f"{where}: 'size' must be a whole number of bytes")
        if self.files is not None and not self.files.exists(filename):
            raise BadAttachment(
                f"{where}: no uploaded file is named {filename!r}; "
                "upload it first with POST /api/upload"
            )

        return Attachment(
            filename=filename, original_name=original_name, url=url, size=size
        )

    def _check_wait(self, wait):
        wait = 0 if wait is None else wait
        if isinstance(wait, bool) or not isinstance(wait, (int, float)):
            raise InvalidInput("'wait' must be a number of seconds")
        if not 0 <= wait <= MAX_WAIT:
            raise InvalidInput(f"'wait' must be between 0 and {MAX_WAIT} seconds")
        return wait

    def _check_strategy(self, strategy):
        if not isinstance(strategy, str):
            raise InvalidWebhook("'strategy' must be a string")
        known = self.strategies()
        if strategy and known is not None and strategy not in known:
            raise InvalidWebhook(
                f"unknown strategy {strategy!r}; known strategies are: "
                f"{', '.join(sorted(known))}"
            )
        return strategy


def _is_unicode(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _count(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"'{name}' must be a whole number, 0 or more")
    return value


def _check_url(url):
    if not isinstance(url, str):
        raise InvalidWebhook("'url' must be a string")
    if url == "":
        return url
    # The url is not repeated: a mistyped one may hold a secret.
    wrong = InvalidWebhook(
        "'url' must be an http:// or https:// address with a host name "
        "and, if it has one, a valid port"
    )
    if any(c.isspace() or not c.isprintable() for c in url):
        raise wrong
    try:
        parts = urlsplit(url)
        parts.port  # reading the port is what checks it
    except ValueError:
        raise wrong from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise wrong
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhook("put the token in 'token', not in the url")
    if "token" in parse_qs(parts.query):
        raise InvalidWebhook("put the token in 'token', not in the url's query")
    return url


def _check_token(token):
    if not isinstance(token, str):
        raise InvalidWebhook("'token' must be a string")
    if token != token.strip() or not (token.isascii() and token.isprintable()):
        raise InvalidWebhook(
            "'token' must be one line of printable ASCII with no spaces around it"
        )
    return token
