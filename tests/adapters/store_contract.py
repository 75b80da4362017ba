"""The promises every MessageStore keeps, written once.

A store's test module subclasses StoreContract and provides a ``store``
fixture; pytest then runs every test below against that store.
"""

import sys
import threading

import pytest

from forest_chat.core import Draft, Message, WakeOutcome, Webhook


def draft(sender="cypress", to="redwood", text="hi", recipients=("redwood",)):
    return Draft(
        sender=sender,
        to=to,
        text=text,
        timestamp="2026-02-06T09:20:00.123456+00:00",
        recipients=tuple(recipients),
    )


def race(*targets):
    """Run each target in its own thread, all released at once, switching often.

    A short switch interval lets a thread be interrupted mid-call, which is where
    code that reads and then marks in two steps hands a message out twice.
    """
    start = threading.Barrier(len(targets))

    def run(target):
        start.wait()
        target()

    workers = [threading.Thread(target=run, args=(t,)) for t in targets]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(interval)


class StoreContract:
    """Tests every store must pass; subclasses supply the ``store`` fixture."""

    def test_append_numbers_from_one(self, store):
        """The first message stored gets id 1, the next id 2."""
        first, second = store.append([draft(), draft(text="again")])

        assert (first.id, second.id) == (1, 2)
        assert store.last_id() == 2

    def test_append_keeps_every_field(self, store):
        """A stored message reads back as it was sent, undelivered."""
        sent = Draft(
            sender="cypress",
            to="all",
            text="ünïcode ✓",
            timestamp="2026-02-06T09:20:00.123456+00:00",
            recipients=("redwood", "matthew"),
        )

        (message,) = store.append([sent])

        assert store.history() == [message]
        assert message.delivered_to == {"redwood": False, "matthew": False}
        assert message.text == "ünïcode ✓"

    def test_empty_store(self, store):
        """A new store has no history, no unread and no webhooks."""
        assert store.history() == []
        assert store.unread("redwood") == []
        assert store.take_unread("redwood") == []
        assert store.last_id() == 0
        assert store.webhooks() == {}

    def test_unread_is_what_the_reader_has_not_fetched(self, store):
        """Unread holds a reader's messages, oldest first, and only theirs."""
        store.append([draft(text="one")])
        store.append([draft(to="matthew", recipients=("matthew",))])
        store.append([draft(text="two")])

        unread = store.unread("redwood")

        assert [m.text for m in unread] == ["one", "two"]
        assert store.unread("redwood") == unread

    def test_unread_skips_the_senders_own_messages(self, store):
        """A message is never unread for its own sender."""
        store.append([draft(recipients=("redwood", "cypress"))])

        assert store.unread("cypress") == []

    def test_take_unread_marks_once(self, store):
        """Taken messages come back marked and are not taken again."""
        store.append([draft(text="one"), draft(text="two")])

        taken = store.take_unread("redwood")

        assert [m.delivered_to["redwood"] for m in taken] == [True, True]
        assert store.take_unread("redwood") == []
        assert store.unread("redwood") == []
        assert [m.delivered_to for m in store.history()] == [{"redwood": True}] * 2

    def test_marking_one_reader_leaves_the_others(self, store):
        """A broadcast fetched by one reader stays unread for the rest."""
        store.append([draft(to="all", recipients=("redwood", "matthew"))])

        store.take_unread("redwood")

        assert [m.to for m in store.unread("matthew")] == ["all"]
        assert store.history()[0].delivered_to == {"redwood": True, "matthew": False}

    def test_racing_readers_take_each_message_once(self, store):
        """Threads taking the same inbox at once get each message exactly once."""
        taken = []

        def take():
            taken.extend(m.id for m in store.take_unread("redwood"))

        for batch in range(30):
            store.append([draft(text=f"{batch}.{n}") for n in range(10)])
            race(*[take] * 4)

        assert sorted(taken) == list(range(1, 301))

    def test_racing_appends_get_unique_ids(self, store):
        """Threads appending at once never share or skip an id."""
        def send():
            for i in range(25):
                store.append([draft(text=str(i))])

        race(*[send] * 4)

        assert [m.id for m in store.history()] == list(range(1, 101))

    @pytest.mark.parametrize(
        ("limit", "since", "expected"),
        [
            (None, None, [1, 2, 3, 4, 5]),
            (2, None, [4, 5]),
            (0, None, []),
            (None, 3, [4, 5]),
            (1, 2, [5]),
            (10, 0, [1, 2, 3, 4, 5]),
            (7, None, [1, 2, 3, 4, 5]),
            (5, 2, [3, 4, 5]),
            (None, 5, []),
            (None, 99, []),
        ],
    )
    def test_history_filters_then_limits(self, store, limit, since, expected):
        """History keeps ids after since, then the last limit of them."""
        store.append([draft(text=str(i)) for i in range(5)])

        found = store.history(limit=limit, since=since)

        assert [m.id for m in found] == expected

    def test_restore_keeps_ids_and_skips_known_ones(self, store):
        """Restored messages keep their ids, and appends continue after them."""
        old = [
            Message(7, "cypress", "all", "old", "2026-01-01T00:00:00+00:00",
                    {"redwood": False, "matthew": True}),
            Message(3, "bigc", "cypress", "older", "2026-01-01T00:00:00+00:00",
                    {"cypress": True}),
        ]

        added = store.restore(old)
        again = store.restore(old)
        (new,) = store.append([draft()])

        assert (added, again) == (2, 0)
        assert [m.id for m in store.history()] == [3, 7, 8]
        assert new.id == 8
        assert [m.id for m in store.unread("redwood")] == [7, 8]
        assert store.unread("matthew") == []

    def test_wait_returns_when_a_message_arrives(self, store):
        """A waiter is released by an append from another thread."""
        store.append([draft()])
        timer = threading.Timer(0.1, lambda: store.append([draft()]))
        timer.start()

        arrived = store.wait(1, timeout=10)

        timer.join()
        assert arrived is True
        assert store.last_id() == 2

    def test_wait_answers_at_once_when_there_is_news(self, store):
        """Waiting for ids already stored returns True without waiting."""
        store.append([draft()])

        assert store.wait(0, timeout=10) is True

    def test_wait_times_out(self, store):
        """With nothing new, wait gives up after its timeout."""
        store.append([draft()])

        assert store.wait(1, timeout=0.05) is False

    def test_released_waiters_answer_at_once(self, store):
        """Releasing waiters ends a wait under way and every later one."""
        store.append([draft()])
        timer = threading.Timer(0.1, store.release_waiters)
        timer.start()

        under_way = store.wait(1, timeout=30)
        later = store.wait(1, timeout=30)

        timer.join()
        assert (under_way, later) == (False, False)

    def test_webhook_updates_merge(self, store):
        """Each update changes only the fields it names."""
        store.update_webhook("redwood", {"url": "http://127.0.0.1:9/hooks/wake"})
        store.update_webhook("redwood", {"token": "secret"})
        outcome = WakeOutcome(ok=True, at="2026-01-01T00:00:00+00:00", attempts=1,
                              status=200)
        store.update_webhook("redwood", {"last_wake": outcome})

        assert store.webhooks() == {
            "redwood": Webhook(
                url="http://127.0.0.1:9/hooks/wake", token="secret", last_wake=outcome
            )
        }
