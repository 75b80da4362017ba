"""The Falcon application: routes, CORS and error mapping around a Hub."""

import falcon

from . import errors
from .openapi import OpenApi
from .resources import (
    Config,
    Files,
    Health,
    Inbox,
    Messages,
    Participants,
    Send,
    Strategies,
    Uploads,
)
from .webui import Page


def create_app(hub, settings):
    """Return the WSGI app serving hub's API and web page as settings say."""
    app = falcon.App(
        middleware=[falcon.CORSMiddleware(allow_origins=_origins(settings))]
    )
    app.req_options.strip_url_path_trailing_slash = True
    errors.install(app)

    page = Page()
    app.add_route("/", page)
    app.add_route("/ui/{name}", page, suffix="asset")
    app.add_route("/health", Health())
    app.add_route("/api/messages", Messages(hub))
    app.add_route("/api/send", Send(hub, settings.max_body_bytes))
    app.add_route("/api/read", Inbox(hub))
    app.add_route("/api/upload", Uploads(hub))
    app.add_route("/api/files/{filename}", Files(hub))
    app.add_route("/api/config", Config(hub, settings.max_body_bytes))
    app.add_route("/api/participants", Participants(hub))
    app.add_route("/api/strategies", Strategies(hub))
    app.add_route("/api/openapi.json", OpenApi(hub, settings))
    return app


def _origins(settings):
    origins = tuple(settings.cors_origins)
    return "*" if "*" in origins else origins
