"""The hooks a Forest Chat plugin may implement: the plugin contract.

The hub calls every hook with keyword arguments, so an implementation may
accept any subset of the arguments named here. ``docs/plugins.md`` explains
each hook with examples.
"""

import pluggy

PROJECT = "forest_chat"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def forest_chat_wake_request(participant, message, webhook):
    """Return the WakeRequest that wakes bot participant about message, or None.

    Called once for each recipient bot with a webhook, after message (a
    stored Message) was stored; never for the sender. webhook has url, token
    and strategy; answer only for strategies you own (``strategy_for``).
    The first answer that is not None is sent.
    """


@hookspec
def forest_chat_wake_strategies():
    """Return the names of the wake strategies this plugin answers for.

    Called when a client sets a bot's strategy, to refuse unknown names, and
    by ``forest-chat plugins``.
    """


@hookspec(firstresult=True)
def forest_chat_recipients(message, roster):
    """Return the names that receive message (a Draft), or None to pass.

    Called for every message and copy before it is stored. The first answer
    that is not None wins; the built-in ``routing`` plugin answers last with
    the addressee, or everyone but the sender for ``all``.
    """


@hookspec
def forest_chat_copies(message, roster):
    """Return a list of Copy objects message (a Draft) should also produce.

    Called once for every message sent (not for copies); the lists of all
    plugins are joined. The built-in ``cc`` plugin is one of them.
    """


@hookspec
def forest_chat_message_stored(message):
    """Hear of message (a Message, original or copy) once it is stored.

    Called in the sending request, after the store accepted the message and
    before bots are woken. Return nothing; an exception is logged and the
    send goes on.
    """
