"""A Falcon app that does nothing: the ceiling the hub is measured against."""

import falcon


class Noop:
    def on_get(self, req, resp):
        resp.media = []

    def on_post(self, req, resp):
        req.bounded_stream.read()
        resp.media = {"status": "sent"}


def create():
    """Return the no-op app (gunicorn: ``benchmarks.noop_app:create()``)."""
    app = falcon.App()
    app.add_sink(Noop().on_get, prefix="/never")
    app.add_route("/api/send", Noop())
    app.add_route("/api/read", Noop())
    return app
