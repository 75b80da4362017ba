"""The web page: static files from the forest_chat.webui package."""

import mimetypes
import re
from importlib import resources

import falcon

# The page runs only its own scripts; text from messages can never become code.
PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_ASSET = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(js|css|svg|png|ico|html)$")
_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


class Page:
    """Serves ``/`` and the page's assets under ``/ui/``."""

    def __init__(self):
        self.root = resources.files("forest_chat.webui")

    def on_get(self, req, resp):
        self._serve(resp, "index.html")

    def on_get_asset(self, req, resp, name):
        if not _ASSET.match(name):
            raise falcon.HTTPNotFound(description=f"the page has no file {name!r}")
        self._serve(resp, name)

    def _serve(self, resp, name):
        asset = self.root / name
        if not asset.is_file():
            raise falcon.HTTPNotFound(description=f"the page has no file {name!r}")

        extension = name.rsplit(".", 1)[-1]
        kind = _TYPES.get(extension) or mimetypes.guess_type(name)[0]
        if kind == "text/html":
            kind = "text/html; charset=utf-8"
        resp.content_type = kind or "application/octet-stream"
        resp.set_header("Content-Security-Policy", PAGE_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Cache-Control", "no-cache")
        resp.data = asset.read_bytes()
