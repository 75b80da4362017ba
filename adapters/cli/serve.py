"""``forest-chat serve``: run the hub under gunicorn."""

import json
import logging
import sys
from pathlib import Path

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from ..compose import build_app, close_hub, plugin_manager
from ..legacy import LEGACY_FILE, LegacyFileError, import_legacy
from ..settings import DEFAULT_PORT, SettingsError, load_settings
from ..storage import TinyDBMessageStore

log = logging.getLogger(__name__)

# Present in the data directory while serve imports the original hub's history.
IMPORTING = "importing-messages.json"


def register(subcommands):
    parser = subcommands.add_parser(
        "serve",
        help="run the hub",
        description="Run the hub under gunicorn with threaded workers.",
    )
    parser.add_argument(
        "--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)"
    )
    parser.add_argument("--port", type=int, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--workers", type=int, help="worker processes (default 2)")
    parser.add_argument("--threads", type=int, help="threads per worker (default 100)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where messages and uploads live (default $FOREST_CHAT_HOME "
        "or ~/.forest-chat)",
    )
    parser.add_argument("--config", type=Path, help="a TOML settings file")
    parser.set_defaults(run=run)


def run(args):
    try:
        settings = load_settings(
            args.config,
            data_dir=args.data_dir,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
        )
        plugin_manager(settings)
    except SettingsError as error:
        print(f"forest-chat serve: {error}", file=sys.stderr)
        return 2

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not import_legacy_history(settings):
        return 1

    print(f"Forest Chat data: {settings.data_dir}", flush=True)
    print(f"Forest Chat serving at http://{_authority(settings)}/", flush=True)
    HubServer(settings).run()
    return 0


def import_legacy_history(settings):
    """Import the original hub's messages.json into a new, empty data directory.

    An import cut short (a crash, a kill) is finished on the next start: the
    marker file stays until it is done, and importing twice adds nothing twice.
    """
    legacy = settings.data_dir / LEGACY_FILE
    marker = settings.data_dir / IMPORTING
    if not legacy.is_file():
        return True
    if settings.store_dir.exists() and not marker.exists():
        return True

    marker.touch()
    store = TinyDBMessageStore(settings.store_dir, durable=settings.durable)
    try:
        added, history = import_legacy(legacy, store, settings.roster)
    except LegacyFileError as error:
        print(f"forest-chat serve: cannot import {legacy}: {error}", file=sys.stderr)
        return False
    finally:
        store.close()
    marker.unlink()

    print(
        f"Imported {added} messages from the original hub's {legacy} "
        f"({len(history.skipped)} skipped); the file was left as it was.",
        flush=True,
    )
    return True


def _authority(settings):
    host = settings.host
    return f"[{host}]:{settings.port}" if ":" in host else f"{host}:{settings.port}"


class HubServer(BaseApplication):
    """Gunicorn running the hub: each worker builds its own hub after forking."""

    def __init__(self, settings):
        self.settings = settings
        self.hub = None
        super().__init__()

    def load_config(self):
        options = {
            "bind": _authority(self.settings),
            "workers": self.settings.workers,
            "threads": self.settings.threads,
            "worker_class": HubWorker,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            "timeout": 120,
            "graceful_timeout": 10,
            "worker_exit": _close_worker_hub,
        }
        # Gunicorn 25.1 and later would also open a control socket in the
        # home folder, shared by every server of the user; the hub needs none.
        if "control_socket_disable" in self.cfg.settings:
            options["control_socket_disable"] = True
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        app, self.hub = build_app(self.settings)
        return app


class HubWorker(ThreadWorker):
    """A threaded worker that answers in JSON and lets long-polls go on stop.

    Without this, a graceful stop would wait out every open long-poll and
    then cut it off.
    """

    def init_process(self):
        # Gunicorn answers a request it cannot parse (a request line over 4 KiB,
        # too many headers) before the app sees it, with an HTML page; in this
        # process it answers with the hub's JSON error shape instead.
        gunicorn_util.write_error = write_json_error
        super().init_process()

    def handle_exit(self, sig, frame):
        super().handle_exit(sig, frame)
        if getattr(self.app, "hub", None) is not None:
            self.app.hub.stop_waiting()


def _close_worker_hub(server, worker):
    if getattr(worker.app, "hub", None) is not None:
        close_hub(worker.app.hub)


HINTS = {
    414: "; send fewer or shorter query parameters",
    431: "; send fewer or smaller headers",
}


def write_json_error(sock, status, reason, text):
    """Write gunicorn's own refusal of a request as ``{"error": ...}``."""
    error = f"{reason}: {text}{HINTS.get(status, '')}" if text else reason
    body = json.dumps({"error": error}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    gunicorn_util.write_nonblock(sock, head.encode("latin-1") + body)
