"""The API's resources: each parses a request, asks the hub, shapes the answer."""

import mimetypes

import falcon

from forest_chat.core import BROADCAST
from forest_chat.core.hub import MAX_WAIT

from .params import count_param, flag_param, json_body, require_size, text_field

# What marks a type a browser would run, or render as a page, if shown inline:
# HTML, any XML (which may hold XHTML and its scripts, as SVG and RSS can) and
# JavaScript.
ACTIVE_MARKS = ("html", "xml", "javascript", "ecmascript")

# Room for the multipart envelope around a file of the largest allowed size.
MULTIPART_OVERHEAD = 64 * 1024


class Health:
    def on_get(self, req, resp):
        resp.media = {"status": "ok", "service": "forest-chat"}


class Messages:
    """The conversation: ``GET /api/messages``."""

    def __init__(self, hub):
        self.hub = hub

    def on_get(self, req, resp):
        limit = count_param(req, "limit")
        since = count_param(req, "since")
        wait = count_param(req, "wait", maximum=MAX_WAIT)

        found = self.hub.history(limit=limit, since=since, wait=wait)

        resp.media = [message.to_wire() for message in found]


class Send:
    """Sending a message: ``POST /api/send``."""

    def __init__(self, hub, max_body):
        self.hub = hub
        self.max_body = max_body

    def on_post(self, req, resp):
        body = json_body(req, self.max_body)
        sender = text_field(body, "from")
        to = text_field(body, "to")
        text = text_field(body, "message", required=False) or ""
        attachments = body.get("attachments")
        if attachments is None:
            attachments = []
        if not isinstance(attachments, list):
            raise falcon.HTTPBadRequest(
                description="'attachments' must be a list of objects from /api/upload"
            )

        sent = self.hub.deliver(sender, to, text, attachments)

        message = sent.message.to_wire()
        if sent.woken:
            message["wake_sent"] = True
        resp.media = {"status": "sent", "message": message}


class Inbox:
    """A participant's unread messages: ``GET /api/read``."""

    def __init__(self, hub):
        self.hub = hub

    def on_get(self, req, resp):
        reader = req.get_param("for")
        if not reader:
            raise falcon.HTTPBadRequest(
                description="'for' is required: the name to read messages for"
            )
        mark = flag_param(req, "mark_read", default=True)
        wait = count_param(req, "wait", maximum=MAX_WAIT) or 0

        found = self.hub.read(reader, mark=mark, wait=wait)

        resp.media = [message.to_wire() for message in found]


class Uploads:
    """Uploading a file: ``POST /api/upload`` with a multipart field ``file``."""

    def __init__(self, hub):
        self.hub = hub

    def on_post(self, req, resp):
        require_size(req, self.hub.max_upload + MULTIPART_OVERHEAD)
        if not (req.content_type or "").startswith("multipart/form-data"):
            raise falcon.HTTPUnsupportedMediaType(
                description="upload as multipart/form-data, the file in field 'file'"
            )

        attachment = None
        try:
            for part in self._form(req):
                if part.name == "file" and attachment is None:
                    original = part.filename or "file"
                    attachment = self.hub.upload(part.stream, original)
        except Exception:
            # The file was whole, but the form around it is not: keep nothing.
            if attachment is not None:
                self.hub.files.path(attachment.filename).unlink(missing_ok=True)
            raise
        if attachment is None:
            raise falcon.HTTPBadRequest(
                description="the form has no field 'file' holding the upload"
            )

        resp.media = {"status": "uploaded", **attachment.to_wire()}

    def _form(self, req):
        """Return the request's multipart form, sent with a length or chunked."""
        if req.content_length is not None:
            return req.get_media()

        # Falcon parses a form only within a known length: a chunked upload is
        # given the most an upload may be, and the cap holds as the file streams.
        handler = req.options.media_handlers[falcon.MEDIA_MULTIPART]
        most = self.hub.max_upload + MULTIPART_OVERHEAD
        return handler.deserialize(req.bounded_stream, req.content_type, most)


class Files:
    """Downloading an upload: ``GET /api/files/{filename}``, served inert."""

    def __init__(self, hub):
        self.hub = hub

    def on_get(self, req, resp, filename):
        path = self.hub.files.path(filename)
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"

        resp.content_type = kind
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Content-Security-Policy", "sandbox")
        if _is_active(kind):
            resp.downloadable_as = filename
        resp.stream = path.open("rb")
        resp.content_length = path.stat().st_size


class Config:
    """Webhook settings per bot: ``GET`` and ``POST /api/config``."""

    def __init__(self, hub, max_body):
        self.hub = hub
        self.max_body = max_body

    def on_get(self, req, resp):
        resp.media = {
            name: webhook.public() for name, webhook in self.hub.webhooks().items()
        }

    def on_post(self, req, resp):
        body = json_body(req, self.max_body)
        target = text_field(body, "target")
        url = text_field(body, "url", required=False)
        token = text_field(body, "token", required=False)
        strategy = text_field(body, "strategy", required=False)

        self.hub.set_webhook(target, url=url, token=token, strategy=strategy)

        resp.media = {"status": "updated"}


class Participants:
    """The roster: ``GET /api/participants``."""

    def __init__(self, hub):
        self.hub = hub

    def on_get(self, req, resp):
        roster = self.hub.roster
        resp.media = {
            "participants": [{"name": p.name, "kind": p.kind} for p in roster],
            "operator": roster.operator,
            "broadcast": BROADCAST,
        }


class Strategies:
    """The wake strategies a webhook may choose: ``GET /api/strategies``."""

    def __init__(self, hub):
        self.hub = hub

    def on_get(self, req, resp):
        resp.media = {"strategies": sorted(self.hub.strategies() or ())}


def _is_active(kind):
    return any(mark in kind.lower() for mark in ACTIVE_MARKS)
