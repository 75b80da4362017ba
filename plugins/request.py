"""What a wake strategy returns, and the helpers every strategy shares."""

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

OPENCLAW_WAKE = "openclaw-wake"
OPENCLAW_AGENT = "openclaw-agent"
SIGNED_JSON = "json"
DEFAULT_STRATEGY = OPENCLAW_WAKE

# A webhook without a strategy is woken as its URL's last path segment says.
BY_LAST_SEGMENT = {"wake": OPENCLAW_WAKE, "agent": OPENCLAW_AGENT}

PREVIEW_CHARS = 280


@dataclass(frozen=True)
class WakeRequest:
    """An HTTP POST that wakes a bot: where, which headers, which JSON body."""

    url: str
    headers: dict = field(default_factory=dict)
    json: object = None

    def __repr__(self):
        # Headers carry the bot's token; show only their names.
        return (
            f"WakeRequest(url={self.url!r}, headers={sorted(self.headers)!r}, "
            f"json={self.json!r})"
        )

    def body(self):
        """Return the body as the sender sends it: compact UTF-8 JSON."""
        return encode_json(self.json)


def encode_json(value):
    """Return value as the exact bytes a wake sends (and a signature covers)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def strategy_for(webhook):
    """Return the strategy that wakes through webhook.

    The webhook's own strategy when set; else by the URL's last path segment
    (``wake``, ``agent``); else ``openclaw-wake``.
    """
    if webhook.strategy:
        return webhook.strategy
    segment = urlsplit(webhook.url).path.rstrip("/").rsplit("/", 1)[-1]
    return BY_LAST_SEGMENT.get(segment, DEFAULT_STRATEGY)


def bearer(token):
    """Return the headers that carry token, or none when there is no token."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def preview(message, limit=PREVIEW_CHARS):
    """Return message's text on one line, cut to limit, naming attachments."""
    text = " ".join(message.text.split())
    names = [a.original_name for a in message.attachments]
    if names:
        listed = f"[attachments: {', '.join(names)}]"
        text = f"{text} {listed}" if text else listed
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
