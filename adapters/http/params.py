"""Reading what clients send: bounded JSON bodies and typed query parameters."""

import json

import falcon

FLAG_TRUE = {"true", "1", "yes", "on"}
FLAG_FALSE = {"false", "0", "no", "off"}


def json_body(req, limit):
    """Return the request's JSON object, refusing oversize, non-JSON and non-objects."""
    _require_size(req, limit)
    if req.content_type is None or req.content_type.split(";")[0].strip() not in (
        falcon.MEDIA_JSON,
    ):
        raise falcon.HTTPUnsupportedMediaType(
            description="send the body as JSON with Content-Type: application/json"
        )

    raw = req.bounded_stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise falcon.HTTPBadRequest(
            description=f"the body is not valid JSON: {error}"
        ) from None
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise falcon.HTTPBadRequest(
            description="the body holds an escape that is not a character "
            "(a lone surrogate such as \\ud800); send valid UTF-8 text"
        ) from None
    if not isinstance(body, dict):
        raise falcon.HTTPBadRequest(
            description="the body must be a JSON object, such as {\"from\": ...}"
        )
    return body


def require_size(req, limit):
    """Refuse, before reading it, a body its Content-Length says is over limit."""
    _require_size(req, limit)


def _require_size(req, limit):
    if req.content_length is not None and req.content_length > limit:
        raise _too_large(limit)


def _too_large(limit):
    return falcon.HTTPContentTooLarge(
        description=f"the body is over the limit of {limit:,} bytes"
    )


def text_field(body, name, *, required=True):
    """Return body[name] as a string, or None when it may be left out."""
    value = body.get(name)
    if value is None and not required:
        return None
    if value is None:
        raise falcon.HTTPBadRequest(description=f"{name!r} is required")
    if not isinstance(value, str):
        raise falcon.HTTPBadRequest(description=f"{name!r} must be a string")
    return value


def count_param(req, name, *, maximum=None):
    """Return query parameter name as a whole number >= 0, or None if absent."""
    raw = req.get_param(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise falcon.HTTPBadRequest(
            description=f"{name!r} must be a whole number, 0 or more, not {raw!r}"
        )
    value = int(raw)
    if maximum is not None and value > maximum:
        raise falcon.HTTPBadRequest(
            description=f"{name!r} must be at most {maximum}, not {value}"
        )
    return value


def flag_param(req, name, default):
    """Return query parameter name as a boolean: true/false, 1/0, yes/no."""
    raw = req.get_param(name)
    if raw is None:
        return default
    if raw.lower() in FLAG_TRUE:
        return True
    if raw.lower() in FLAG_FALSE:
        return False
    raise falcon.HTTPBadRequest(
        description=f"{name!r} must be true or false, not {raw!r}"
    )
