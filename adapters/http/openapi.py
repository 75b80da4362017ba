"""The API's OpenAPI 3.1 description, built from the running hub's roster and limits.

Tests keep it true: it validates as OpenAPI, names every route of the app,
and schemathesis fuzzing the running hub from it finds no answer outside it.
"""

import importlib.metadata

from forest_chat.core import BOT, BROADCAST, HUMAN
from forest_chat.core.hub import MAX_ATTACHMENTS, MAX_WAIT

from .params import FLAG_FALSE, FLAG_TRUE

OPENAPI_VERSION = "3.1.0"

# count_param takes at most 12 digits.
MAX_COUNT = 10**12 - 1

ASSET_TYPES = (
    "text/javascript",
    "text/css",
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/vnd.microsoft.icon",
)


class OpenApi:
    """The description of the API: ``GET /api/openapi.json``."""

    def __init__(self, hub, settings):
        self.hub = hub
        self.settings = settings
        self._document = None

    def on_get(self, req, resp):
        if self._document is None:
            self._document = openapi_document(self.hub, self.settings)
        resp.media = self._document


def openapi_document(hub, settings):
    """Return the OpenAPI document of the API that hub serves under settings."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Forest Chat",
            "version": _version(),
            "description": (
                "A message hub where people and AI agents talk. Every error is "
                'answered as JSON {"error": "..."}.'
            ),
        },
        "tags": [
            {"name": "messages", "description": "Sending and reading messages"},
            {"name": "files", "description": "Uploads and downloads"},
            {"name": "settings", "description": "Webhooks and participants"},
            {"name": "service", "description": "Health, this document, the page"},
        ],
        "paths": _paths(hub),
        "components": {
            "schemas": _schemas(hub),
            "responses": _responses(settings, hub),
        },
    }


def _version():
    try:
        return importlib.metadata.version("forest-chat")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def _paths(hub):
    paths = {
        "/health": {"get": _health()},
        "/api/messages": {"get": _history()},
        "/api/send": {"post": _send()},
        "/api/read": {"get": _read(hub)},
        "/api/upload": {"post": _upload(hub)},
        "/api/files/{filename}": {"get": _file()},
        "/api/config": {"get": _config(), "post": _set_config()},
        "/api/participants": {"get": _participants()},
        "/api/strategies": {"get": _strategies()},
        "/api/openapi.json": {"get": _openapi()},
        "/": {"get": _page()},
        "/ui/{name}": {"get": _asset()},
    }
    # The server refuses these before any route sees the request.
    for operations in paths.values():
        for operation in operations.values():
            operation["responses"]["414"] = _response("UriTooLong")
            operation["responses"]["431"] = _response("HeadersTooLarge")
    return paths


def _health():
    return {
        "operationId": "health",
        "tags": ["service"],
        "summary": "Tell that the hub is up",
        "responses": {"200": _json("The hub answers", _ref("Health"))},
    }


def _history():
    return {
        "operationId": "listMessages",
        "tags": ["messages"],
        "summary": "Read the conversation",
        "description": (
            "Messages with id above since, then the last limit of them, oldest "
            "first. With since and wait, an empty answer is held up to wait "
            "seconds until a newer message is stored; wait without since is a "
            "400."
        ),
        "parameters": [
            _count("limit", "Return only the last limit messages"),
            _count("since", "Return only messages with an id above this"),
            _wait("Seconds to hold an empty answer for a newer message; needs since"),
        ],
        "responses": {
            "200": _json("The messages, oldest first", _list_of("Message")),
            "400": _response("BadRequest"),
        },
    }


def _send():
    return {
        "operationId": "sendMessage",
        "tags": ["messages"],
        "summary": "Send a message",
        "description": (
            "Stores the message; bots among its recipients that have a webhook "
            "are woken in the background (wake_sent). A bot writing to anyone "
            "but the operator or all also makes a [CC:<to>] copy for the "
            "operator."
        ),
        "requestBody": _json_body("SendRequest"),
        "responses": {
            "200": _json("The message was stored", _ref("Sent")),
            "400": _response("BadRequest"),
            "413": _response("TooLarge"),
            "415": _response("UnsupportedMediaType"),
        },
    }


def _read(hub):
    return {
        "operationId": "readInbox",
        "tags": ["messages"],
        "summary": "Read a participant's unread messages",
        "description": (
            "Messages to for, or to all, not sent by for and not yet delivered "
            "to for, oldest first. With mark_read (the default) they become "
            "delivered. With wait and nothing unread, the answer is held up to "
            "wait seconds until something arrives."
        ),
        "parameters": [
            {
                "name": "for",
                "in": "query",
                "required": True,
                "description": "The participant to read for",
                "schema": {"type": "string", "enum": hub.roster.names},
            },
            {
                "name": "mark_read",
                "in": "query",
                "description": "false to peek without marking (default true)",
                "schema": {"type": "string", "pattern": _flag_pattern()},
            },
            _wait("Seconds to hold an empty answer for something unread"),
        ],
        "responses": {
            "200": _json("The unread messages, oldest first", _list_of("Message")),
            "400": _response("BadRequest"),
        },
    }


def _upload(hub):
    return {
        "operationId": "uploadFile",
        "tags": ["files"],
        "summary": "Upload a file to attach to messages",
        "description": f"At most {hub.max_upload:,} bytes.",
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        },
        "responses": {
            "200": _json("The file was stored", _ref("Uploaded")),
            "400": _response("BadRequest"),
            "413": _response("TooLarge"),
            "415": _response("UnsupportedMediaType"),
        },
    }


def _file():
    return {
        "operationId": "downloadFile",
        "tags": ["files"],
        "summary": "Download an uploaded file",
        "description": (
            "Served inert: never sniffed, sandboxed, and anything a browser could "
            "run (HTML, SVG, XML, JavaScript) as an attachment."
        ),
        "parameters": [
            {
                "name": "filename",
                "in": "path",
                "required": True,
                "description": "The filename POST /api/upload gave",
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": "The file's bytes, with its type",
                "headers": {
                    "X-Content-Type-Options": _header("nosniff"),
                    "Content-Security-Policy": _header("sandbox"),
                },
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            },
            "404": _response("NotFound"),
        },
    }


def _config():
    return {
        "operationId": "listWebhooks",
        "tags": ["settings"],
        "summary": "Show every bot's webhook, tokens left out",
        "responses": {"200": _json("The bots' webhooks", _ref("Webhooks"))},
    }


def _set_config():
    return {
        "operationId": "setWebhook",
        "tags": ["settings"],
        "summary": "Change how a bot is woken",
        "description": "A field left out or null keeps its value.",
        "requestBody": _json_body("WebhookRequest"),
        "responses": {
            "200": _json("The webhook was changed", _ref("Updated")),
            "400": _response("BadRequest"),
            "413": _response("TooLarge"),
            "415": _response("UnsupportedMediaType"),
        },
    }


def _participants():
    return {
        "operationId": "listParticipants",
        "tags": ["settings"],
        "summary": "Show the roster",
        "responses": {"200": _json("The roster", _ref("Participants"))},
    }


def _strategies():
    return {
        "operationId": "listStrategies",
        "tags": ["settings"],
        "summary": "Show the wake strategies a webhook may choose",
        "responses": {"200": _json("The strategies", _ref("Strategies"))},
    }


def _openapi():
    return {
        "operationId": "describeApi",
        "tags": ["service"],
        "summary": "This document",
        "responses": {"200": _json("The OpenAPI description", {"type": "object"})},
    }


def _page():
    return {
        "operationId": "webPage",
        "tags": ["service"],
        "summary": "The web page",
        "responses": {
            "200": {
                "description": "The page",
                "headers": {"Content-Security-Policy": _header()},
                "content": {"text/html": {"schema": {"type": "string"}}},
            }
        },
    }


def _asset():
    return {
        "operationId": "webPageAsset",
        "tags": ["service"],
        "summary": "A script, style sheet or image of the web page",
        "parameters": [
            {
                "name": "name",
                "in": "path",
                "required": True,
                "description": "The asset's file name, such as app.js",
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": "The asset",
                "content": {
                    kind: {"schema": {"type": "string"}} for kind in ASSET_TYPES
                },
            },
            "404": _response("NotFound"),
        },
    }


def _schemas(hub):
    names = hub.roster.names
    bots = [bot.name for bot in hub.roster.bots]
    strategies = hub.waker.strategies() if hub.waker else None
    message = _message_schema()
    sent_message = {
        **message,
        "properties": {
            **message["properties"],
            "wake_sent": {
                "const": True,
                "description": "Present when a bot was asked to be woken",
            },
        },
    }
    strategy = {"type": ["string", "null"]}
    if strategies is not None:
        strategy["enum"] = [*strategies, "", None]

    return {
        "Error": _object(
            {"error": {"type": "string", "minLength": 1}},
            description="What is wrong, in words a client author can act on",
        ),
        "Health": _object(
            {"status": {"const": "ok"}, "service": {"const": "forest-chat"}}
        ),
        "Attachment": _object(_attachment_properties()),
        "Message": message,
        "SentMessage": sent_message,
        "Sent": _object({"status": {"const": "sent"}, "message": _ref("SentMessage")}),
        "Uploaded": _object(
            {"status": {"const": "uploaded"}, **_attachment_properties()}
        ),
        "Updated": _object({"status": {"const": "updated"}}),
        "WakeOutcome": _object(
            {
                "ok": {"type": "boolean"},
                "at": {"type": "string", "description": "When, ISO 8601"},
                "attempts": {"type": "integer", "minimum": 0},
                "status": {"type": ["integer", "null"]},
                "error": {"type": ["string", "null"]},
            },
            description="How the last wake of a bot ended",
        ),
        "Webhook": _object(
            {
                "url": {"type": "string"},
                "has_token": {"type": "boolean"},
                "strategy": {"type": ["string", "null"]},
                "last_wake": {"oneOf": [_ref("WakeOutcome"), {"type": "null"}]},
            }
        ),
        "Webhooks": {
            "type": "object",
            "propertyNames": {"enum": bots},
            "additionalProperties": _ref("Webhook"),
            "description": "Every bot of the roster and its webhook",
        },
        "Participant": _object(
            {
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": [BOT, HUMAN]},
            }
        ),
        "Participants": _object(
            {
                "participants": {"type": "array", "items": _ref("Participant")},
                "operator": {"type": "string"},
                "broadcast": {"const": BROADCAST},
            }
        ),
        "Strategies": _object(
            {"strategies": {"type": "array", "items": {"type": "string"}}}
        ),
        "SendRequest": {
            "type": "object",
            "required": ["from", "to"],
            "properties": {
                "from": {"type": "string", "enum": names},
                "to": {"type": "string", "enum": [*names, BROADCAST]},
                "message": {
                    "type": ["string", "null"],
                    "maxLength": hub.max_text,
                    "description": "The text; needed unless there are attachments",
                },
                "attachments": {
                    "type": ["array", "null"],
                    "maxItems": MAX_ATTACHMENTS,
                    "items": _ref("AttachmentRef"),
                },
            },
        },
        "AttachmentRef": {
            "type": "object",
            "required": ["filename"],
            "description": "A file POST /api/upload stored, as it answered",
            "properties": {
                **_attachment_properties(),
                "filename": {"type": "string", "minLength": 1},
            },
        },
        "WebhookRequest": {
            "type": "object",
            "required": ["target"],
            "properties": {
                "target": {"type": "string", "enum": bots},
                "url": {
                    "type": ["string", "null"],
                    "description": 'An http(s) address without token, or ""',
                },
                "token": {"type": ["string", "null"]},
                "strategy": {
                    **strategy,
                    "description": '"" chooses by the url\'s last path segment',
                },
            },
        },
    }


def _message_schema():
    return _object(
        {
            "id": {"type": "integer", "minimum": 1},
            "from": {"type": "string"},
            "to": {"type": "string"},
            "message": {"type": "string"},
            "timestamp": {"type": "string", "description": "ISO 8601"},
            "delivered_to": {
                "type": "object",
                "additionalProperties": {"type": "boolean"},
                "description": "For each recipient, whether it has read this",
            },
            "attachments": {"type": "array", "items": _ref("Attachment")},
        }
    )


def _attachment_properties():
    return {
        "filename": {"type": "string"},
        "original_name": {"type": "string"},
        "url": {"type": "string"},
        "size": {"type": "integer", "minimum": 0},
    }


def _responses(settings, hub):
    return {
        "BadRequest": _error("The request was refused; error says why"),
        "NotFound": _error("There is nothing by that name"),
        "TooLarge": _error(
            f"The body is too large (JSON over {settings.max_body_bytes:,} bytes, "
            f"uploads over {hub.max_upload:,} bytes)"
        ),
        "UnsupportedMediaType": _error("The body is not of the type this takes"),
        "UriTooLong": _error("The request line is over 4,094 bytes"),
        "HeadersTooLarge": _error("The request has too many or too large headers"),
    }


def _object(properties, *, description=None):
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _count(name, description):
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
    }


def _wait(description):
    return {
        "name": "wait",
        "in": "query",
        "description": description,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_WAIT},
    }


def _flag_pattern():
    """Return a regular expression for the flag words, in any letter case."""
    words = sorted(FLAG_TRUE | FLAG_FALSE)
    spelled = [
        "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)
        for word in words
    ]
    return f"^({'|'.join(spelled)})$"


def _header(value=None):
    schema = {"type": "string"} if value is None else {"const": value}
    return {"required": True, "schema": schema}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name):
    return {"type": "array", "items": _ref(name)}


def _json(description, schema):
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


def _json_body(name):
    return {
        "required": True,
        "content": {"application/json": {"schema": _ref(name)}},
    }


def _response(name):
    return {"$ref": f"#/components/responses/{name}"}


def _error(description):
    return _json(description, _ref("Error"))
