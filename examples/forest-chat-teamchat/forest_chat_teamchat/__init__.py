"""A Forest Chat plugin: team-chat wakes and the ``bots``/``humans`` groups.

The ``teamchat`` strategy posts ``{"text": ..., "username": "Forest Chat"}``
to an incoming webhook as Slack and Mattermost take them, mentioning the bot
so that a chat-connected agent notices. The groups let anyone write to
``bots`` or ``humans`` to reach everyone of that kind but themselves.
"""

from forest_chat.plugins import WakeRequest, bearer, hookimpl, preview

STRATEGY = "teamchat"
GROUPS = {
    "bots": lambda participant: participant.is_bot,
    "humans": lambda participant: not participant.is_bot,
}


@hookimpl
def forest_chat_wake_strategies():
    return [STRATEGY]


@hookimpl
def forest_chat_wake_request(participant, message, webhook):
    """Post a chat line mentioning the bot, for bots set to ``teamchat``."""
    if webhook.strategy != STRATEGY:
        return None
    text = (
        f"@{participant.name}: {message.sender} wrote to {message.to} "
        f"on Forest Chat: {preview(message)}"
    )
    body = {"text": text, "username": "Forest Chat"}
    return WakeRequest(url=webhook.url, headers=bearer(webhook.token), json=body)


@hookimpl
def forest_chat_recipients(message, roster):
    """Send ``bots`` or ``humans`` to everyone of that kind but the sender."""
    belongs = GROUPS.get(message.to)
    # A participant really called "bots" keeps their own messages.
    if belongs is None or message.to in roster:
        return None
    return [p.name for p in roster if belongs(p) and p.name != message.sender]
