"""The hub held against a plain model of the delivery rules, step by step.

The model keeps a list of messages and who has fetched each one, and spells
the rules out directly: recipients, the CC rule, no echo, marking exactly
once, history filtering and which bots are woken. Hypothesis drives the hub
and the model with the same random sends, reads, history queries and webhook
changes, and compares them after every step.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import BOT, BROADCAST, Hub, Message
from forest_chat.core.errors import EmptyMessage, MessageTooLong, UnknownParticipant

from ..strategies import (
    attachment_inputs,
    filled_texts,
    mostly,
    rosters,
    strangers,
    texts,
)
from .fakes import RecordingWaker

# A small text limit lets the model reach "too long" without megabytes of text.
MAX_TEXT = 40
URL = "http://127.0.0.1:18789/hooks/wake"


@dataclass
class Expected:
    """One message as the model sees it."""

    id: int
    sender: str
    to: str
    text: str
    timestamp: str
    attachments: tuple
    recipients: list
    fetched_by: set = field(default_factory=set)

    def message(self):
        """Return the Message the hub should hold for this."""
        return Message(
            id=self.id,
            sender=self.sender,
            to=self.to,
            text=self.text,
            timestamp=self.timestamp,
            delivered_to={name: name in self.fetched_by for name in self.recipients},
            attachments=self.attachments,
        )


class DeliveryModel(RuleBasedStateMachine):
    """Forest Chat's delivery rules, written as simply as they can be."""

    @initialize(roster=rosters(max_size=4))
    def start(self, roster):
        """Open a hub with an empty memory store on a random roster."""
        self.roster = roster
        self.waker = RecordingWaker()
        self.hub = Hub(
            store=MemoryStore(), roster=roster, waker=self.waker, max_text=MAX_TEXT
        )
        self.expected = []
        self.webhooks = {}

        # Built once per run: drawing from fresh strategies every step is slow.
        self.names = st.sampled_from(roster.names)
        self.addresses = st.sampled_from([*roster.names, BROADCAST])
        self.strangers = strangers(roster)
        self.anyone = mostly(self.names, st.one_of(self.strangers, st.just(BROADCAST)))
        self.any_address = mostly(self.addresses, self.strangers)
        self.any_texts = texts(max_size=MAX_TEXT + 10)
        self.texts = mostly(filled_texts(max_size=MAX_TEXT), self.any_texts)
        self.files = mostly(st.just([]), st.lists(attachment_inputs(), max_size=2))
        bots = [bot.name for bot in roster.bots]
        self.bots = st.sampled_from(bots) if bots else None

    # The rules, spelled out ------------------------------------------------

    def kind(self, name):
        """Return 'bot' or 'human' for a participant."""
        return {p.name: p.kind for p in self.roster}[name]

    def recipients(self, sender, to):
        """Return who receives a message: the addressee, or all but the sender."""
        if to == BROADCAST:
            return [name for name in self.roster.names if name != sender]
        return [to]

    def makes_copy(self, sender, to):
        """Tell whether the CC rule copies this message to the operator."""
        return self.kind(sender) == BOT and to not in (self.roster.operator, BROADCAST)

    def to_wake(self, sender, recipients):
        """Return the recipient bots with a webhook url, never the sender."""
        return [
            name
            for name in recipients
            if name != sender and self.kind(name) == BOT and self.webhooks.get(name)
        ]

    def unread(self, reader):
        """Return what reader has not fetched: to them or all, not from them."""
        return [
            e
            for e in self.expected
            if e.to in (reader, BROADCAST)
            and e.sender != reader
            and reader not in e.fetched_by
        ]

    def next_id(self):
        """Return the id the next stored message must get."""
        return len(self.expected) + 1

    def errors_for(self, sender, to, text, attachments):
        """Return every error type a send breaking these rules may raise."""
        errors = []
        if sender not in self.roster.names:
            errors.append(UnknownParticipant)
        if to != BROADCAST and to not in self.roster.names:
            errors.append(UnknownParticipant)
        if len(text) > MAX_TEXT:
            errors.append(MessageTooLong)
        if not text.strip() and not attachments:
            errors.append(EmptyMessage)
        return tuple(errors)

    # Steps -----------------------------------------------------------------

    @rule(data=st.data())
    def send(self, data):
        """Send between participants, mostly with text, sometimes with files."""
        sender = data.draw(self.names, label="sender")
        to = data.draw(self.addresses, label="to")
        text = data.draw(self.texts, label="text")
        pairs = data.draw(self.files, label="attachments")

        self.check_send(sender, to, text, pairs)

    @rule(data=st.data())
    def send_anything(self, data):
        """Send with names and text that may break the rules."""
        sender = data.draw(self.anyone, label="sender")
        to = data.draw(self.any_address, label="to")
        text = data.draw(self.any_texts, label="text")
        pairs = data.draw(self.files, label="attachments")

        self.check_send(sender, to, text, pairs)

    def check_send(self, sender, to, text, pairs):
        """Send through the hub and hold the outcome against the model."""
        offered = [offered for offered, _ in pairs]
        attachments = tuple(kept for _, kept in pairs)
        errors = self.errors_for(sender, to, text, attachments)
        calls_before = len(self.waker.calls)

        if errors:
            with pytest.raises(errors):
                self.hub.deliver(sender=sender, to=to, text=text, attachments=offered)
            assert len(self.waker.calls) == calls_before
            return
        sent = self.hub.deliver(sender=sender, to=to, text=text, attachments=offered)

        stamp = sent.message.timestamp
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
        message = self.remember(sender, to, text, stamp, attachments)
        assert sent.message == message.message()

        copies = []
        if self.makes_copy(sender, to):
            copy_text = f"[CC:{to}] {text}"
            operator = self.roster.operator
            copy = self.remember(sender, operator, copy_text, stamp, attachments)
            copies.append(copy.message())
        assert list(sent.copies) == copies

        woken = self.to_wake(sender, message.recipients)
        webhooks = self.hub.webhooks()
        assert sent.woken == tuple(woken)
        assert self.waker.calls[calls_before:] == [
            (self.roster.participant(name), sent.message, webhooks[name])
            for name in woken
        ]

    def remember(self, sender, to, text, timestamp, attachments):
        """Add a message the hub should now hold, with the next id."""
        expected = Expected(
            id=self.next_id(),
            sender=sender,
            to=to,
            text=text,
            timestamp=timestamp,
            attachments=attachments,
            recipients=self.recipients(sender, to),
        )
        self.expected.append(expected)
        return expected

    @rule(data=st.data(), mark=st.booleans())
    def read(self, data, mark):
        """Read as someone, marking or peeking, and compare with the model."""
        reader = data.draw(self.anyone, label="reader")

        if reader not in self.roster.names:
            with pytest.raises(UnknownParticipant):
                self.hub.read(reader, mark=mark)
            return

        found = self.hub.read(reader, mark=mark)

        unread = self.unread(reader)
        if mark:
            for expected in unread:
                expected.fetched_by.add(reader)
        assert found == [e.message() for e in unread]

    @rule(data=st.data())
    def history(self, data):
        """Query history with a random limit and since."""
        # Bounds near the number stored, so that the edges are reached often.
        count = st.integers(min_value=0, max_value=len(self.expected) + 2)
        limit = data.draw(st.one_of(st.none(), count), label="limit")
        since = data.draw(st.one_of(st.none(), count), label="since")

        found = self.hub.history(limit=limit, since=since)

        after = [e for e in self.expected if since is None or e.id > since]
        if limit is not None:
            after = after[-limit:] if limit else []
        assert found == [e.message() for e in after]

    @precondition(lambda self: self.bots is not None)
    @rule(data=st.data(), url=st.sampled_from([URL, ""]))
    def set_webhook(self, data, url):
        """Give a bot a webhook url or clear it."""
        bot = data.draw(self.bots, label="bot")

        self.hub.set_webhook(bot, url=url)

        self.webhooks[bot] = url

    # Checked after every step ----------------------------------------------

    @invariant()
    def history_matches(self):
        """Hold every stored message, with its delivery state, in order."""
        assert self.hub.history() == [e.message() for e in self.expected]

    @invariant()
    def last_id_matches(self):
        """Hold the highest id the model has handed out."""
        assert self.hub.store.last_id() == len(self.expected)

    @invariant()
    def peeks_match(self):
        """Show every participant their unread messages without marking them."""
        for reader in self.roster.names:
            unread = [e.message() for e in self.unread(reader)]
            assert self.hub.read(reader, mark=False) == unread


DeliveryModel.TestCase.settings = settings(stateful_step_count=30)
TestDeliveryModel = DeliveryModel.TestCase
