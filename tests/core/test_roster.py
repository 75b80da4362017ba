"""Who is on the hub: participant names, kinds and the operator."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forest_chat.core import BOT, HUMAN, Participant, Roster
from forest_chat.core.errors import NotABot, RosterError, UnknownParticipant

from ..strategies import bad_names, is_participant_name, names, rosters


def solo(name, kind=BOT):
    return Roster([Participant(name, kind)], operator=name)


class TestValidation:
    @given(names())
    def test_accepts_lowercase_identifiers(self, name):
        """Any lowercase identifier up to 32 characters may be a participant."""
        roster = solo(name)

        assert roster.names == [name]

    @given(bad_names())
    def test_refuses_bad_names(self, name):
        """A name that is not a lowercase identifier is refused."""
        with pytest.raises(RosterError, match="lowercase identifier"):
            solo(name)

    @given(st.one_of(names(), st.text(max_size=40)))
    def test_accepts_exactly_the_valid_names(self, name):
        """The roster accepts a name if and only if the naming rule allows it."""
        try:
            solo(name)
            accepted = True
        except RosterError:
            accepted = False

        assert accepted == is_participant_name(name)

    def test_refuses_a_trailing_newline(self):
        """A name followed by a newline is not a lowercase identifier."""
        with pytest.raises(RosterError):
            solo("cypress\n")

    def test_refuses_the_broadcast_address(self):
        """Nobody may be called 'all'."""
        with pytest.raises(RosterError, match="'all'"):
            solo("all")

    def test_refuses_duplicates(self):
        """A name listed twice is refused, even with different kinds."""
        participants = [Participant("oak", BOT), Participant("oak", HUMAN)]

        with pytest.raises(RosterError, match="listed twice"):
            Roster(participants, operator="oak")

    def test_refuses_an_unknown_kind(self):
        """A kind other than bot or human is refused and the kinds are named."""
        with pytest.raises(RosterError, match="bot, human"):
            solo("oak", kind="robot")

    def test_refuses_an_operator_who_is_not_a_participant(self):
        """The operator must be one of the participants."""
        with pytest.raises(RosterError, match="operator 'elm'"):
            Roster([Participant("oak", HUMAN)], operator="elm")

    def test_refuses_an_empty_roster(self):
        """A roster with nobody on it has no operator and is refused."""
        with pytest.raises(RosterError):
            Roster([], operator="oak")


class TestDefault:
    def test_participants(self):
        """The default roster is the original hub's two bots and two humans."""
        roster = Roster.default()

        assert list(roster) == [
            Participant("cypress", BOT),
            Participant("redwood", BOT),
            Participant("matthew", HUMAN),
            Participant("bigc", HUMAN),
        ]

    def test_operator(self):
        """Matthew is the default operator."""
        assert Roster.default().operator == "matthew"

    def test_bots(self):
        """The default bots are cypress and redwood."""
        assert [bot.name for bot in Roster.default().bots] == ["cypress", "redwood"]

    def test_each_call_gives_an_equal_roster(self):
        """Two default rosters are equal but not the same object."""
        first, second = Roster.default(), Roster.default()

        assert first == second
        assert first is not second


class TestLookup:
    @given(rosters())
    def test_contains_every_name(self, roster):
        """Every participant's name is in the roster, in the order given."""
        assert [p.name for p in roster] == roster.names
        assert all(name in roster for name in roster.names)
        assert len(roster) == len(roster.names)

    def test_broadcast_is_not_a_participant(self):
        """'all' is an address, not someone on the roster."""
        assert "all" not in Roster.default()

    def test_participant(self):
        """A name looks up its participant."""
        assert Roster.default().participant("bigc") == Participant("bigc", HUMAN)

    def test_unknown_participant_lists_the_known_names(self):
        """Looking up a stranger says which names exist."""
        with pytest.raises(UnknownParticipant) as raised:
            Roster.default().participant("oak")

        assert str(raised.value) == (
            "unknown participant 'oak'; known names are: "
            "bigc, cypress, matthew, redwood"
        )

    def test_unhashable_name_is_unknown(self):
        """A name of the wrong type is unknown rather than a crash."""
        with pytest.raises(UnknownParticipant):
            Roster.default().participant(["cypress"])

    def test_bot(self):
        """A bot's name looks up the bot."""
        assert Roster.default().bot("redwood") == Participant("redwood", BOT)

    def test_bot_refuses_a_human(self):
        """Asking for a human as a bot names the bots there are."""
        with pytest.raises(NotABot, match="cypress, redwood"):
            Roster.default().bot("matthew")

    def test_addressee_accepts_all(self):
        """'all' may be a message's recipient."""
        assert Roster.default().addressee("all") == "all"

    def test_addressee_refuses_a_stranger_and_offers_all(self):
        """An unknown recipient's error lists the names and 'all'."""
        with pytest.raises(UnknownParticipant, match="redwood, all$"):
            Roster.default().addressee("oak")

    def test_not_equal_with_another_operator(self):
        """Rosters with the same people but different operators differ."""
        people = list(Roster.default())

        assert Roster(people, operator="bigc") != Roster.default()
