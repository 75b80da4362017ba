"""Properties of the hub that hold for any roster and any traffic."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import BROADCAST, Hub, Roster
from forest_chat.core.errors import EmptyMessage

from ..strategies import aware_datetimes, filled_texts, rosters, traffic
from .fakes import FixedClock


def play(hub, sends):
    """Send every message that is not empty; return the Sent of each."""
    results = []
    for sender, to, text in sends:
        try:
            results.append(hub.deliver(sender=sender, to=to, text=text))
        except EmptyMessage:
            continue
    return results


def hub_for(roster, clock=None):
    return Hub(store=MemoryStore(), roster=roster, clock=clock)


@given(traffic())
def test_ids_strictly_increase(case):
    """Every stored message, copies included, gets a higher id than the last."""
    roster, sends = case
    hub = hub_for(roster)

    results = play(hub, sends)

    ids = [m.id for sent in results for m in (sent.message, *sent.copies)]
    assert ids == list(range(1, len(ids) + 1))
    assert [m.id for m in hub.history()] == ids


@given(traffic(), st.data())
def test_ids_are_never_reused_after_reads(case, data):
    """Reading and marking never frees an id for a later message."""
    roster, sends = case
    hub = hub_for(roster)
    play(hub, sends)
    before = hub.store.last_id()
    for name in data.draw(st.lists(st.sampled_from(roster.names), max_size=5)):
        hub.read(name)

    message = hub.send(sender=roster.names[0], to=BROADCAST, text="after")

    assert message.id == before + 1


@given(traffic(), st.data())
def test_marking_is_exactly_once(case, data):
    """After a marking read, no later read returns the messages it returned."""
    roster, sends = case
    hub = hub_for(roster)
    play(hub, sends)
    reader = data.draw(st.sampled_from(roster.names))

    first = hub.read(reader)

    assert hub.read(reader) == []
    assert all(m.delivered_to[reader] is True for m in first)


@given(traffic(), st.data())
def test_peek_then_mark_returns_the_same(case, data):
    """Peeking returns what a marking read then returns, and marks nothing."""
    roster, sends = case
    hub = hub_for(roster)
    play(hub, sends)
    reader = data.draw(st.sampled_from(roster.names))

    peeked = hub.read(reader, mark=False)
    peeked_again = hub.read(reader, mark=False)
    taken = hub.read(reader)

    assert peeked == peeked_again
    assert [m.id for m in taken] == [m.id for m in peeked]


@given(traffic(), st.data())
def test_read_is_the_readers_undelivered_mail(case, data):
    """A read returns exactly the messages to the reader or all, not from them."""
    roster, sends = case
    hub = hub_for(roster)
    stored = [m for sent in play(hub, sends) for m in (sent.message, *sent.copies)]
    reader = data.draw(st.sampled_from(roster.names))

    found = hub.read(reader)

    expected = [
        m.id for m in stored if m.to in (reader, BROADCAST) and m.sender != reader
    ]
    assert [m.id for m in found] == expected


@given(
    traffic(),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
)
def test_history_filtering(case, limit, since):
    """History is the ids after since, then the last limit of them."""
    roster, sends = case
    hub = hub_for(roster)
    play(hub, sends)
    every = hub.history()

    found = hub.history(limit=limit, since=since)

    expected = [m for m in every if since is None or m.id > since]
    if limit is not None:
        expected = expected[-limit:] if limit else []
    assert found == expected


@given(traffic(max_size=5))
def test_timestamps_are_utc_with_an_offset(case):
    """Every timestamp parses as ISO-8601 and carries a zero UTC offset."""
    roster, sends = case
    hub = hub_for(roster)

    play(hub, sends)

    for message in hub.history():
        assert datetime.fromisoformat(message.timestamp).utcoffset() == timedelta(0)


@given(aware_datetimes())
def test_timestamp_is_the_clocks_instant_in_utc(moment):
    """Whatever zone the clock answers in, the timestamp is that instant in UTC."""
    hub = hub_for(Roster.default(), clock=FixedClock(moment))

    message = hub.send(sender="bigc", to="cypress", text="hi")

    parsed = datetime.fromisoformat(message.timestamp)
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)


@given(st.data(), rosters(), filled_texts(max_size=20))
def test_broadcast_recipients_are_everyone_but_the_sender(data, roster, text):
    """A message to all is undelivered to every participant except its sender."""
    sender = data.draw(st.sampled_from(roster.names))
    hub = hub_for(roster)

    message = hub.send(sender=sender, to=BROADCAST, text=text)

    assert list(message.delivered_to) == [n for n in roster.names if n != sender]
    assert not any(message.delivered_to.values())
