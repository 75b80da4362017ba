"""The composition root: the one place that wires adapters into a running hub."""

import logging

from forest_chat.core import Hub
from forest_chat.plugins import PluginRules, make_plugin_manager

from .files import UploadFolder
from .http import create_app
from .settings import SettingsError
from .storage import TinyDBMessageStore
from .wake import HTTPWaker

log = logging.getLogger(__name__)


def build_hub(settings):
    """Return a Hub on the TinyDB store, the uploads folder and the plugins."""
    store = TinyDBMessageStore(settings.store_dir, durable=settings.durable)
    files = UploadFolder(settings.uploads_dir, durable=settings.durable)
    plugins = plugin_manager(settings)

    hub = Hub(
        store,
        settings.roster,
        files=files,
        rules=PluginRules(plugins),
        max_text=settings.max_text_chars,
        max_upload=settings.max_upload_bytes,
        webhook_hosts=settings.webhook_hosts,
    )
    hub.waker = HTTPWaker(plugins, on_outcome=hub.record_wake)
    return hub


def plugin_manager(settings):
    """Return the plugin manager settings ask for.

    Raise SettingsError when they disable a plugin that is not installed; serve
    calls this before gunicorn forks, so it stops with one clear line instead
    of a traceback from each worker.
    """
    try:
        return make_plugin_manager(
            public_url=settings.url, disabled=settings.disabled_plugins
        )
    except ValueError as error:
        raise SettingsError(f"'disabled_plugins': {error}") from None


def build_app(settings):
    """Return the WSGI app for settings, and the hub behind it."""
    hub = build_hub(settings)
    return create_app(hub, settings), hub


def close_hub(hub):
    """Let wakes under way finish and release the store."""
    if hub.waker is not None:
        hub.waker.close()
    hub.store.close()
