"""Routing, copies and stored-message news through the hooks (PluginRules)."""

import logging

import pytest

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import Copy, Hub, Roster
from forest_chat.core.errors import UnknownParticipant
from forest_chat.plugins import PluginRules, hookimpl, make_plugin_manager


def hub_on(pm):
    """Return a hub that asks pm's plugins, with no waker."""
    return Hub(MemoryStore(), Roster.default(), rules=PluginRules(pm))


class Groups:
    """A group alias: ``bots`` reaches every bot but the sender."""

    @hookimpl
    def forest_chat_recipients(self, message, roster):
        if message.to != "bots":
            return None
        return [bot.name for bot in roster.bots if bot.name != message.sender]


class Heard:
    """Remembers every stored message it is told of."""

    def __init__(self):
        self.ids = []

    @hookimpl
    def forest_chat_message_stored(self, message):
        self.ids.append(message.id)


class Broken:
    """Fails on every stored message."""

    @hookimpl
    def forest_chat_message_stored(self, message):
        raise RuntimeError("the audit log is full")


def test_a_message_reaches_its_addressee(pm):
    """The built-in routing sends a direct message to the addressee only."""
    hub = hub_on(pm)

    message = hub.send("bigc", "cypress", "hello")

    assert message.delivered_to == {"cypress": False}


def test_a_broadcast_reaches_everyone_but_the_sender(pm):
    """The built-in routing sends ``all`` to every other participant."""
    hub = hub_on(pm)

    message = hub.send("bigc", "all", "hello")

    assert sorted(message.delivered_to) == ["cypress", "matthew", "redwood"]


def test_routing_falls_back_to_the_default_when_disabled():
    """With the routing plugin disabled, recipients are still the default."""
    pm = make_plugin_manager(disabled=["routing"], load_entrypoints=False)
    hub = hub_on(pm)

    message = hub.send("bigc", "all", "hello")

    assert sorted(message.delivered_to) == ["cypress", "matthew", "redwood"]


def test_a_recipients_plugin_adds_a_group_alias(pm):
    """A plugin's ``bots`` alias reaches every bot, who can read the message."""
    pm.register(Groups(), name="groups")
    hub = hub_on(pm)

    message = hub.send("bigc", "bots", "stand-up in five")

    assert message.delivered_to == {"cypress": False, "redwood": False}
    assert [m.id for m in hub.read("redwood")] == [message.id]


def test_a_recipients_plugin_that_passes_leaves_the_default(pm):
    """An alias plugin answering None leaves other messages to the routing plugin."""
    pm.register(Groups(), name="groups")
    hub = hub_on(pm)

    message = hub.send("bigc", "redwood", "hello")

    assert message.delivered_to == {"redwood": False}


def test_a_bots_talk_is_copied_to_the_operator(pm):
    """The built-in cc plugin copies a bot's direct message to the operator."""
    hub = hub_on(pm)

    sent = hub.deliver("cypress", "redwood", "beams checked")

    assert [(c.to, c.text) for c in sent.copies] == [
        ("matthew", "[CC:redwood] beams checked")
    ]


def test_the_cc_copy_can_be_disabled():
    """With ``cc`` disabled, a bot's message to another bot makes no copy."""
    pm = make_plugin_manager(disabled=["cc"], load_entrypoints=False)
    hub = hub_on(pm)

    sent = hub.deliver("cypress", "redwood", "beams checked")

    assert sent.copies == ()
    assert hub.read("matthew") == []


def test_copies_of_every_plugin_are_made(pm):
    """A plugin's copies are made alongside the built-in CC copy."""

    class Archive:
        @hookimpl
        def forest_chat_copies(self, message, roster):
            return [Copy(to="bigc", text=f"[archive] {message.text}")]

    pm.register(Archive(), name="archive")
    hub = hub_on(pm)

    sent = hub.deliver("cypress", "redwood", "beams checked")

    assert sorted((c.to, c.text) for c in sent.copies) == [
        ("bigc", "[archive] beams checked"),
        ("matthew", "[CC:redwood] beams checked"),
    ]


def test_a_stored_plugin_hears_of_every_message_and_copy(pm):
    """message_stored is told of each stored message, copies included."""
    heard = Heard()
    pm.register(heard, name="heard")
    hub = hub_on(pm)

    hub.send("bigc", "cypress", "one")
    hub.send("cypress", "redwood", "two")

    assert heard.ids == [1, 2, 3]


def test_a_failing_stored_plugin_does_not_break_the_send(pm, caplog):
    """A plugin raising in message_stored is logged; the send and others go on."""
    heard = Heard()
    pm.register(heard, name="heard")
    pm.register(Broken(), name="broken")
    hub = hub_on(pm)

    message = hub.send("bigc", "cypress", "hello")

    assert hub.history() == [message]
    assert heard.ids == [message.id]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "plugin broken failed" in record.getMessage()
    assert record.exc_info is not None


@pytest.mark.parametrize("to", ["bots", "nobody"])
def test_an_unknown_address_no_plugin_claims_is_refused(pm, to):
    """Without an alias plugin, a name off the roster is still an error."""
    hub = hub_on(pm)

    with pytest.raises(UnknownParticipant, match="unknown recipient"):
        hub.send("bigc", to, "hello")
