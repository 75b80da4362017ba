"""Built-in plugin ``signed-json``: a JSON event signed as Standard Webhooks do.

The receiver checks ``webhook-signature`` against the HMAC-SHA256 of
``<webhook-id>.<webhook-timestamp>.<body>``, keyed with the bot's token (a
``whsec_`` token is base64 after the prefix, as Standard Webhooks libraries
expect).
"""

import base64
import binascii
import hashlib
import hmac
import time
import uuid
from dataclasses import replace

from .hookspecs import hookimpl
from .request import SIGNED_JSON, WakeRequest, bearer, encode_json, strategy_for

EVENT_TYPE = "message.created"

# Message text up to 20,000 characters keeps the body far below the 256 KiB
# that gateways accept, whatever the characters.
TEXT_CHARS = 20_000


@hookimpl
def forest_chat_wake_strategies():
    return [SIGNED_JSON]


@hookimpl
def forest_chat_wake_request(participant, message, webhook):
    if strategy_for(webhook) != SIGNED_JSON:
        return None

    cut = len(message.text) > TEXT_CHARS
    shown = replace(message, text=message.text[:TEXT_CHARS]) if cut else message
    payload = {
        "type": EVENT_TYPE,
        "timestamp": message.timestamp,
        "data": {"bot": participant.name, "truncated": cut, **shown.to_wire()},
    }
    webhook_id = f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()))

    headers = {"webhook-id": webhook_id, "webhook-timestamp": timestamp}
    if webhook.token:
        body = encode_json(payload)
        headers["webhook-signature"] = sign(webhook.token, webhook_id, timestamp, body)
    return WakeRequest(
        url=webhook.url, headers={**bearer(webhook.token), **headers}, json=payload
    )


def sign(secret, webhook_id, timestamp, body):
    """Return the ``webhook-signature`` value for body sent with id and timestamp."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode()}"


def signing_key(secret):
    """Return the HMAC key: the base64 after ``whsec_``, else secret's bytes.

    The base64 may lack its ``=`` padding, as Standard Webhooks libraries
    allow; a ``whsec_`` secret that does not decode to a key is used as is.
    """
    if secret.startswith("whsec_"):
        encoded = secret.removeprefix("whsec_")
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error:
            key = b""
        if key:
            return key
    return secret.encode()
