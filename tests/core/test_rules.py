"""The default routing and the CC rule, and the Rules port behind them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import (
    BOT,
    HUMAN,
    Copy,
    DefaultRules,
    Draft,
    Hub,
    Participant,
    Roster,
    Rules,
    cc_copies,
    default_recipients,
)
from forest_chat.core.errors import UnknownParticipant

from ..strategies import rosters, texts


def draft(sender, to, text="hi"):
    return Draft(sender=sender, to=to, text=text, timestamp="t", recipients=())


class TestDefaultRecipients:
    def test_addressee(self):
        """A message to a participant goes to that participant only."""
        assert default_recipients(draft("bigc", "cypress"), Roster.default()) == [
            "cypress"
        ]

    def test_broadcast_skips_the_sender(self):
        """A message to all goes to everyone but its sender, in roster order."""
        recipients = default_recipients(draft("redwood", "all"), Roster.default())

        assert recipients == ["cypress", "matthew", "bigc"]

    @given(st.data(), rosters())
    def test_broadcast_reaches_everyone_else(self, data, roster):
        """For any roster, a broadcast reaches exactly the others."""
        sender = data.draw(st.sampled_from(roster.names))

        recipients = default_recipients(draft(sender, "all"), roster)

        assert recipients == [name for name in roster.names if name != sender]


class TestCcCopies:
    def test_bot_to_bot_copies_the_operator(self):
        """A bot writing to another bot sends the operator a marked copy."""
        copies = cc_copies(draft("cypress", "redwood", "status?"), Roster.default())

        assert copies == [Copy(to="matthew", text="[CC:redwood] status?")]

    def test_bot_to_other_human_copies_the_operator(self):
        """A bot writing to a human who is not the operator is copied too."""
        copies = cc_copies(draft("redwood", "bigc"), Roster.default())

        assert copies == [Copy(to="matthew", text="[CC:bigc] hi")]

    def test_bot_to_operator_is_not_copied(self):
        """The operator already has a message addressed to them."""
        assert cc_copies(draft("cypress", "matthew"), Roster.default()) == []

    def test_bot_to_all_is_not_copied(self):
        """A broadcast already reaches the operator."""
        assert cc_copies(draft("cypress", "all"), Roster.default()) == []

    def test_human_is_not_copied(self):
        """Only bots' messages are copied."""
        assert cc_copies(draft("bigc", "cypress"), Roster.default()) == []

    def test_unknown_sender_is_not_copied(self):
        """A sender the roster does not know produces no copy."""
        assert cc_copies(draft("oak", "cypress"), Roster.default()) == []

    def test_empty_text_keeps_the_prefix(self):
        """A message with attachments and no text is copied as the prefix alone."""
        copies = cc_copies(draft("cypress", "redwood", ""), Roster.default())

        assert copies == [Copy(to="matthew", text="[CC:redwood] ")]

    def test_operator_is_taken_from_the_roster(self):
        """The copy goes to whoever the roster names as operator."""
        roster = Roster(list(Roster.default()), operator="bigc")

        copies = cc_copies(draft("cypress", "matthew"), roster)

        assert copies == [Copy(to="bigc", text="[CC:matthew] hi")]

    @given(st.data(), rosters(), texts())
    def test_rule(self, data, roster, text):
        """A copy is made exactly when a bot writes to neither operator nor all."""
        sender = data.draw(st.sampled_from(roster.names))
        to = data.draw(st.sampled_from([*roster.names, "all"]))
        is_bot = roster.participant(sender).kind == BOT

        copies = cc_copies(draft(sender, to, text), roster)

        if is_bot and to not in (roster.operator, "all"):
            assert copies == [Copy(to=roster.operator, text=f"[CC:{to}] {text}")]
        else:
            assert copies == []


class TestDefaultRules:
    def test_recipients_are_the_default_ones(self):
        """DefaultRules routes as default_recipients does."""
        assert DefaultRules().recipients(draft("bigc", "all"), Roster.default()) == [
            "cypress",
            "redwood",
            "matthew",
        ]

    def test_copies_are_the_cc_rule(self):
        """DefaultRules copies as cc_copies does."""
        copies = DefaultRules().copies(draft("cypress", "bigc"), Roster.default())

        assert copies == [Copy(to="matthew", text="[CC:bigc] hi")]


class NoCopies(DefaultRules):
    """Routes as usual but drops the CC rule."""

    def copies(self, message, roster):
        return []


class EchoToBigc(DefaultRules):
    """Adds a copy to bigc of everything not already sent to bigc, and listens."""

    def __init__(self):
        self.heard = []

    def copies(self, message, roster):
        if message.to == "bigc":
            return []
        return [Copy(to="bigc", text=f"seen: {message.text}")]

    def stored(self, message):
        self.heard.append(message)


class Everyone(Rules):
    """Sends every message to every participant, the sender included."""

    def recipients(self, message, roster):
        return [*roster.names, *roster.names]

    def copies(self, message, roster):
        return []


class ToStranger(DefaultRules):
    """Routes every message to someone not on the roster."""

    def recipients(self, message, roster):
        return ["oak"]


class TestRulesPort:
    def test_replacing_the_cc_rule(self):
        """A hub given rules without the CC rule makes no copy of bot talk."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), rules=NoCopies())

        sent = hub.deliver(sender="cypress", to="redwood", text="hi")

        assert sent.copies == ()
        assert hub.read("matthew") == []

    def test_rules_can_add_copies(self):
        """Copies a rule asks for are stored after the message, from its sender."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), rules=EchoToBigc())

        sent = hub.deliver(sender="matthew", to="cypress", text="go")

        (copy,) = sent.copies
        assert (copy.id, copy.sender, copy.to, copy.text) == (
            sent.message.id + 1,
            "matthew",
            "bigc",
            "seen: go",
        )

    def test_stored_hears_every_stored_message(self):
        """The stored hook hears the message and then each copy."""
        rules = EchoToBigc()
        hub = Hub(store=MemoryStore(), roster=Roster.default(), rules=rules)

        sent = hub.deliver(sender="matthew", to="cypress", text="go")

        assert rules.heard == [sent.message, *sent.copies]

    def test_recipients_come_from_the_rules(self):
        """Recipients a rule names are used once each, the sender included."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), rules=Everyone())

        message = hub.send(sender="bigc", to="cypress", text="hi")

        assert list(message.delivered_to) == ["cypress", "redwood", "matthew", "bigc"]

    def test_recipients_must_be_on_the_roster(self):
        """A rule naming a stranger as recipient is refused and nothing is kept."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), rules=ToStranger())

        with pytest.raises(UnknownParticipant, match="'oak'"):
            hub.send(sender="bigc", to="cypress", text="hi")

        assert hub.history() == []


def test_cc_copy_with_a_bot_operator_goes_to_that_bot():
    """With a bot as operator, another bot's talk is copied to it."""
    roster = Roster(
        [Participant("boss", BOT), Participant("ash", BOT), Participant("eve", HUMAN)],
        operator="boss",
    )

    copies = cc_copies(draft("ash", "eve"), roster)

    assert copies == [Copy(to="boss", text="[CC:eve] hi")]
