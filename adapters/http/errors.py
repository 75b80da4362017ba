"""Every error leaves the hub as JSON ``{"error": ...}``; mapped here, once."""

import logging

import falcon

from forest_chat.core.errors import FileNotFound, ForestChatError, TooLarge

log = logging.getLogger(__name__)

STATUS_OF = [
    (FileNotFound, falcon.HTTP_404),
    (TooLarge, falcon.HTTP_413),
    (ForestChatError, falcon.HTTP_400),
]


def install(app):
    """Make app answer every error, expected or not, as JSON."""
    app.add_error_handler(Exception, _unexpected)
    app.add_error_handler(falcon.HTTPError, _http_error)
    app.add_error_handler(ForestChatError, _domain_error)


def _answer(req, resp, status, message):
    resp.status = status
    resp.media = {"error": message}
    resp.content_type = falcon.MEDIA_JSON
    level = logging.WARNING if status.startswith(("413", "415")) else logging.INFO
    log.log(level, "rejected %s %s: %s %s", req.method, req.path, status[:3], message)


def _domain_error(req, resp, error, params):
    status = next(code for kind, code in STATUS_OF if isinstance(error, kind))
    _answer(req, resp, status, str(error))


def _http_error(req, resp, error, params):
    if isinstance(error, falcon.HTTPRouteNotFound):
        message = f"no endpoint at {req.path}; the API is listed at /api/openapi.json"
    elif isinstance(error, falcon.HTTPMethodNotAllowed):
        allowed = error.headers.get("Allow", "") if error.headers else ""
        message = f"{req.method} is not allowed on {req.path}; use {allowed}"
    else:
        message = error.description or error.title
    _answer(req, resp, error.status, message)
    for name, value in (error.headers or {}).items():
        resp.set_header(name, value)


def _unexpected(req, resp, error, params):
    log.exception("unexpected failure on %s %s", req.method, req.path)
    resp.status = falcon.HTTP_500
    resp.media = {"error": "the hub failed unexpectedly; the hub's log has details"}
