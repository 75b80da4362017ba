"""The hub's use cases: sending, reading and history, one behaviour at a time."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import Hub, Roster
from forest_chat.core.errors import (
    EmptyMessage,
    ForestChatError,
    InvalidInput,
    MessageTooLong,
    UnknownParticipant,
)

from ..adapters.store_contract import race
from .fakes import FixedClock

KNOWN = "known names are: bigc, cypress, matthew, redwood"


@pytest.fixture
def hub():
    return Hub(store=MemoryStore(), roster=Roster.default())


class TestSend:
    def test_returns_the_stored_message(self, hub):
        """Send returns the message as it is stored."""
        message = hub.send(sender="bigc", to="cypress", text="run diagnostics")

        assert hub.history() == [message]
        assert (message.id, message.sender, message.to, message.text) == (
            1,
            "bigc",
            "cypress",
            "run diagnostics",
        )

    def test_addressee_starts_undelivered(self, hub):
        """A direct message is undelivered to its addressee only."""
        message = hub.send(sender="bigc", to="cypress", text="hi")

        assert message.delivered_to == {"cypress": False}

    def test_broadcast_reaches_everyone_but_the_sender(self, hub):
        """A message to all is undelivered to every participant but its sender."""
        message = hub.send(sender="redwood", to="all", text="done")

        assert message.delivered_to == {
            "cypress": False,
            "matthew": False,
            "bigc": False,
        }

    def test_text_is_kept_as_given(self, hub):
        """Text is stored exactly, surrounding whitespace included."""
        message = hub.send(sender="bigc", to="cypress", text="  ünïcode ✓\n")

        assert message.text == "  ünïcode ✓\n"

    def test_none_text_with_an_attachment_is_empty_text(self, hub):
        """Text None is taken as no text."""
        message = hub.send(
            sender="bigc", to="cypress", text=None, attachments=[{"filename": "a.txt"}]
        )

        assert message.text == ""

    def test_send_to_oneself_is_never_unread(self, hub):
        """A participant writing to themselves never reads it back."""
        hub.send(sender="bigc", to="bigc", text="note to self")

        assert hub.read("bigc") == []

    def test_deliver_returns_the_copies(self, hub):
        """Deliver reports the CC copy it stored with the message."""
        sent = hub.deliver(sender="cypress", to="redwood", text="status?")

        (copy,) = sent.copies
        assert hub.history() == [sent.message, copy]
        assert (copy.id, copy.sender, copy.to, copy.text) == (
            sent.message.id + 1,
            "cypress",
            "matthew",
            "[CC:redwood] status?",
        )

    def test_cc_copy_is_delivered_to_the_operator_only(self, hub):
        """The CC copy waits for the operator and nobody else."""
        sent = hub.deliver(sender="cypress", to="redwood", text="status?")

        assert sent.copies[0].delivered_to == {"matthew": False}

    def test_cc_copy_keeps_the_attachments(self, hub):
        """The CC copy carries the same attachments as the message."""
        sent = hub.deliver(
            sender="cypress", to="bigc", text="", attachments=[{"filename": "a.txt"}]
        )

        assert sent.copies[0].attachments == sent.message.attachments
        assert sent.copies[0].text == "[CC:bigc] "

    def test_ids_continue_after_a_refused_send(self, hub):
        """A refused send uses up no id."""
        hub.send(sender="bigc", to="cypress", text="one")
        with pytest.raises(EmptyMessage):
            hub.send(sender="bigc", to="cypress", text="")

        message = hub.send(sender="bigc", to="cypress", text="two")

        assert message.id == 2


class TestSendErrors:
    def test_unknown_sender_lists_the_names(self, hub):
        """An unknown sender is refused with the names that exist."""
        with pytest.raises(UnknownParticipant) as raised:
            hub.send(sender="oak", to="cypress", text="hi")

        assert str(raised.value) == f"unknown sender 'oak'; {KNOWN}"

    def test_unknown_recipient_lists_the_names_and_all(self, hub):
        """An unknown recipient is refused with the names that exist and 'all'."""
        with pytest.raises(UnknownParticipant) as raised:
            hub.send(sender="bigc", to="oak", text="hi")

        assert str(raised.value) == f"unknown recipient 'oak'; {KNOWN}, all"

    def test_all_cannot_send(self, hub):
        """'all' is only an address, never a sender."""
        with pytest.raises(UnknownParticipant, match="sender 'all'"):
            hub.send(sender="all", to="cypress", text="hi")

    def test_names_are_case_sensitive(self, hub):
        """A known name in capitals is a stranger."""
        with pytest.raises(UnknownParticipant, match="'Cypress'"):
            hub.send(sender="bigc", to="Cypress", text="hi")

    def test_recipient_must_be_a_string(self, hub):
        """A recipient that is not a string is refused with the names that exist."""
        with pytest.raises(InvalidInput) as raised:
            hub.send(sender="bigc", to=["cypress"], text="hi")

        assert str(raised.value) == (
            f"'to' must be a participant name or 'all', as a string; {KNOWN}"
        )

    @pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
    def test_empty_message(self, hub, text):
        """A message with no text and no attachment is refused."""
        with pytest.raises(EmptyMessage, match="at least one attachment"):
            hub.send(sender="bigc", to="cypress", text=text)

    def test_text_must_be_a_string(self, hub):
        """Text that is not a string is refused."""
        with pytest.raises(InvalidInput, match="'message' must be a string"):
            hub.send(sender="bigc", to="cypress", text=42)

    def test_text_must_be_unicode(self, hub):
        """Text holding a lone surrogate cannot be stored or sent as UTF-8."""
        with pytest.raises(InvalidInput, match="lone surrogate"):
            hub.send(sender="bigc", to="cypress", text="broken \ud800 text")

        assert hub.history() == []

    def test_too_long_text(self, hub):
        """Text over 100,000 characters is refused, naming the limit."""
        with pytest.raises(
            MessageTooLong, match="100,001 characters; the limit is 100,000"
        ):
            hub.send(sender="bigc", to="cypress", text="x" * 100_001)

    def test_longest_text_is_accepted(self, hub):
        """Text of exactly 100,000 characters is accepted."""
        message = hub.send(sender="bigc", to="cypress", text="é" * 100_000)

        assert len(message.text) == 100_000

    def test_refused_send_stores_nothing(self, hub):
        """Nothing is stored when a send is refused."""
        with pytest.raises(ForestChatError):
            hub.send(sender="cypress", to="oak", text="hi")

        assert hub.history() == []


class TestTimestamps:
    def test_system_clock_gives_utc_with_offset(self, hub):
        """By default a timestamp is UTC ISO-8601 with a zero offset."""
        message = hub.send(sender="bigc", to="cypress", text="hi")

        moment = datetime.fromisoformat(message.timestamp)
        assert moment.utcoffset() == timedelta(0)

    def test_custom_clock_fixes_the_timestamp(self):
        """A hub given a clock stamps messages with that clock's time."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), clock=FixedClock())

        message = hub.send(sender="bigc", to="cypress", text="hi")

        assert message.timestamp == "2026-02-06T09:20:00.123456+00:00"

    def test_copy_has_the_messages_timestamp(self):
        """A CC copy is stamped with the time of the message it copies."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), clock=FixedClock())

        sent = hub.deliver(sender="cypress", to="redwood", text="hi")

        assert sent.copies[0].timestamp == sent.message.timestamp

    def test_clock_in_another_zone_still_gives_utc(self):
        """A clock answering in another time zone still yields a UTC timestamp."""
        plus_two = timezone(timedelta(hours=2))
        clock = FixedClock(datetime(2026, 2, 6, 11, 20, tzinfo=plus_two))
        hub = Hub(store=MemoryStore(), roster=Roster.default(), clock=clock)

        message = hub.send(sender="bigc", to="cypress", text="hi")

        assert message.timestamp == "2026-02-06T09:20:00.000000+00:00"


class TestRead:
    def test_returns_unread_oldest_first(self, hub):
        """A reader gets their messages and broadcasts, oldest first."""
        hub.send(sender="bigc", to="cypress", text="one")
        hub.send(sender="bigc", to="redwood", text="not yours")
        hub.send(sender="matthew", to="all", text="two")

        assert [m.text for m in hub.read("cypress")] == ["one", "two"]

    def test_marks_what_it_returns(self, hub):
        """A marking read returns messages already marked delivered to the reader."""
        hub.send(sender="bigc", to="all", text="hi")

        (message,) = hub.read("cypress")

        assert message.delivered_to == {
            "cypress": True,
            "redwood": False,
            "matthew": False,
        }

    def test_marked_messages_are_not_read_again(self, hub):
        """A second marking read returns nothing new."""
        hub.send(sender="bigc", to="cypress", text="hi")
        hub.read("cypress")

        assert hub.read("cypress") == []

    def test_peek_does_not_mark(self, hub):
        """A read with mark=False leaves the messages unread."""
        hub.send(sender="bigc", to="cypress", text="hi")

        peeked = hub.read("cypress", mark=False)

        assert [m.text for m in peeked] == ["hi"]
        assert [m.text for m in hub.read("cypress")] == ["hi"]

    def test_marking_shows_in_history(self, hub):
        """History shows who has fetched a message."""
        hub.send(sender="bigc", to="all", text="hi")

        hub.read("redwood")

        assert hub.history()[0].delivered_to["redwood"] is True

    def test_no_echo(self, hub):
        """A broadcast is never read back by its sender."""
        hub.send(sender="cypress", to="all", text="hi")

        assert hub.read("cypress") == []

    def test_marking_is_per_reader(self, hub):
        """One reader fetching a broadcast leaves it unread for the others."""
        hub.send(sender="bigc", to="all", text="hi")
        hub.read("cypress")

        assert [m.text for m in hub.read("redwood")] == ["hi"]

    def test_unknown_reader_lists_the_names(self, hub):
        """An unknown reader is refused with the names that exist."""
        with pytest.raises(UnknownParticipant) as raised:
            hub.read("oak")

        assert str(raised.value) == f"unknown reader 'oak'; {KNOWN}"

    def test_racing_readers_share_each_message_once(self):
        """Readers racing for one name each get a message exactly once."""
        hub = Hub(store=SlowStore(), roster=Roster.default())
        taken = []

        def take():
            taken.extend(m.id for m in hub.read("cypress"))

        for batch in range(20):
            for number in range(5):
                hub.send(sender="bigc", to="cypress", text=f"{batch}.{number}")
            race(*[take] * 4)

        assert sorted(taken) == list(range(1, 101))

    def test_read_does_not_scan_history(self):
        """Reading asks the store for the reader's unread, never the history."""
        hub = Hub(store=NoHistoryStore(), roster=Roster.default())
        hub.send(sender="bigc", to="cypress", text="hi")

        assert [m.text for m in hub.read("cypress")] == ["hi"]


class SlowStore(MemoryStore):
    """A memory store that pauses after each answer, as a database on a network does.

    The pause lets other readers run between two store calls of one read.
    """

    def unread(self, reader):
        found = super().unread(reader)
        time.sleep(0.001)
        return found

    def take_unread(self, reader):
        found = super().take_unread(reader)
        time.sleep(0.001)
        return found


class NoHistoryStore(MemoryStore):
    """A memory store that fails if anyone asks it for the history."""

    def history(self, limit=None, since=None):
        raise AssertionError("read must not go through the history")


class TestWait:
    def test_read_answers_at_once_when_there_is_something(self, hub):
        """A waiting read with unread messages returns them."""
        hub.send(sender="bigc", to="cypress", text="hi")

        assert [m.text for m in hub.read("cypress", wait=5)] == ["hi"]

    def test_read_gives_nothing_after_the_wait(self, hub):
        """A waiting read with nothing to fetch returns an empty list."""
        hub.send(sender="bigc", to="redwood", text="not for cypress")

        assert hub.read("cypress", wait=0.05) == []

    def test_read_wakes_when_a_message_arrives(self, hub):
        """A waiting read returns a message sent while it waits."""
        sender = threading.Timer(
            0.05, hub.send, kwargs={"sender": "bigc", "to": "cypress", "text": "late"}
        )
        sender.start()

        try:
            found = hub.read("cypress", wait=10)
        finally:
            sender.join()

        assert [m.text for m in found] == ["late"]

    def test_history_gives_nothing_after_the_wait(self, hub):
        """A waiting history query with nothing newer returns an empty list."""
        hub.send(sender="bigc", to="cypress", text="hi")

        assert hub.history(since=1, wait=0.05) == []

    def test_history_answers_at_once_when_there_is_something(self, hub):
        """A waiting history query with newer messages returns them."""
        hub.send(sender="bigc", to="cypress", text="one")
        hub.send(sender="bigc", to="cypress", text="two")

        assert [m.text for m in hub.history(since=1, wait=5)] == ["two"]

    def test_history_wakes_when_a_message_arrives(self, hub):
        """A waiting history query returns a message sent while it waits."""
        sender = threading.Timer(
            0.05, hub.send, kwargs={"sender": "bigc", "to": "cypress", "text": "late"}
        )
        sender.start()

        try:
            found = hub.history(since=0, wait=10)
        finally:
            sender.join()

        assert [m.text for m in found] == ["late"]

    @pytest.mark.parametrize(
        "wait", [-1, 60.5, 61, float("nan"), float("inf"), "5", True]
    )
    def test_read_refuses_a_bad_wait(self, hub, wait):
        """A wait that is not 0 to 60 seconds is refused."""
        with pytest.raises(InvalidInput, match="'wait'"):
            hub.read("cypress", wait=wait)

    @pytest.mark.parametrize("wait", [-0.01, 61, "1", False])
    def test_history_refuses_a_bad_wait(self, hub, wait):
        """History refuses a wait that is not 0 to 60 seconds."""
        with pytest.raises(InvalidInput, match="'wait'"):
            hub.history(since=0, wait=wait)

    def test_history_refuses_a_wait_without_since(self, hub):
        """Waiting needs since, the id to wait past; without it the hub says so."""
        with pytest.raises(InvalidInput, match="'wait' needs 'since'"):
            hub.history(limit=5, wait=10)

    @pytest.mark.parametrize("wait", [None, 0, 0.0])
    def test_no_wait(self, hub, wait):
        """No wait, or zero, answers straight away with nothing."""
        assert hub.read("cypress", wait=wait) == []


class TestHistory:
    def test_oldest_first(self, hub):
        """History lists every message, oldest first."""
        for text in ["one", "two", "three"]:
            hub.send(sender="bigc", to="cypress", text=text)

        assert [m.text for m in hub.history()] == ["one", "two", "three"]

    def test_since_then_limit(self, hub):
        """Since filters first, then limit keeps the newest of what is left."""
        for number in range(1, 7):
            hub.send(sender="bigc", to="cypress", text=str(number))

        assert [m.id for m in hub.history(limit=2, since=2)] == [5, 6]

    def test_limit_above_the_count_gives_everything(self, hub):
        """A limit larger than what is there returns every message."""
        for number in range(1, 4):
            hub.send(sender="bigc", to="cypress", text=str(number))

        assert [m.id for m in hub.history(limit=5)] == [1, 2, 3]

    def test_limit_zero_is_empty(self, hub):
        """A limit of 0 returns nothing."""
        hub.send(sender="bigc", to="cypress", text="hi")

        assert hub.history(limit=0) == []

    def test_since_beyond_the_end_is_empty(self, hub):
        """Since past the last id returns nothing."""
        hub.send(sender="bigc", to="cypress", text="hi")

        assert hub.history(since=1) == []

    @pytest.mark.parametrize("limit", [-1, 1.5, "3", True])
    def test_refuses_a_bad_limit(self, hub, limit):
        """A limit that is not a whole number from 0 is refused."""
        with pytest.raises(InvalidInput, match="'limit' must be a whole number"):
            hub.history(limit=limit)

    @pytest.mark.parametrize("since", [-1, 2.0, "0", False])
    def test_refuses_a_bad_since(self, hub, since):
        """A since that is not a whole number from 0 is refused."""
        with pytest.raises(InvalidInput, match="'since' must be a whole number"):
            hub.history(since=since)
