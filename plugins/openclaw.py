"""Built-in plugin ``openclaw``: wake OpenClaw gateways through their hooks."""

import json
import shlex
from urllib.parse import urlencode

from forest_chat.core import BROADCAST

from .hookspecs import hookimpl
from .request import (
    OPENCLAW_AGENT,
    OPENCLAW_WAKE,
    WakeRequest,
    bearer,
    preview,
    strategy_for,
)

AGENT_PREVIEW_CHARS = 2_000


class OpenClaw:
    """The ``openclaw-wake`` and ``openclaw-agent`` strategies.

    public_url is the hub's address as the woken agent should call it.
    """

    def __init__(self, public_url):
        self.public_url = public_url.rstrip("/")

    @hookimpl
    def forest_chat_wake_strategies(self):
        return [OPENCLAW_WAKE, OPENCLAW_AGENT]

    @hookimpl
    def forest_chat_wake_request(self, participant, message, webhook):
        strategy = strategy_for(webhook)
        if strategy == OPENCLAW_WAKE:
            body = {"text": wake_text(message), "mode": "now"}
        elif strategy == OPENCLAW_AGENT:
            # No sessionKey: gateways refuse one unless told to allow it.
            body = {
                "message": self.prompt(participant.name, message),
                "name": "Forest Chat",
                "wakeMode": "now",
                "deliver": False,
            }
        else:
            return None
        return WakeRequest(url=webhook.url, headers=bearer(webhook.token), json=body)

    def prompt(self, bot, message):
        """Return what the agent is told: who wrote, a preview, how to answer."""
        inbox = f"{self.public_url}/api/read?{urlencode({'for': bot})}"
        reply = {"from": bot, "to": message.sender, "message": "<your reply>"}
        return "\n".join(
            [
                f"Forest Chat: {message.sender} wrote to {_audience(message)} "
                f"(message {message.id}). Preview:",
                preview(message, AGENT_PREVIEW_CHARS),
                "",
                "Read your unread messages (this marks them read):",
                f"curl -s {shlex.quote(inbox)}",
                "",
                "Reply:",
                f"curl -s -X POST {shlex.quote(self.public_url + '/api/send')} "
                "-H 'Content-Type: application/json' "
                f"-d {shlex.quote(json.dumps(reply))}",
            ]
        )


def wake_text(message):
    """Return the one line an ``openclaw-wake`` carries."""
    return f"{message.sender} wrote to {message.to}: {preview(message)}"


def _audience(message):
    return "everyone" if message.to == BROADCAST else message.to
