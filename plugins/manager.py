"""Make the plugin manager: the built-ins, then third-party plugins."""

import importlib.metadata
import logging
from dataclasses import dataclass

import pluggy

from . import cc, hookspecs, routing, signed_json
from .openclaw import OpenClaw

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "forest_chat"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5001"
BUILTIN = "built-in"
BUILTIN_NAMES = ("routing", "cc", "openclaw", "signed-json")


@dataclass(frozen=True)
class PluginInfo:
    """One registered or disabled plugin, for listings."""

    name: str
    source: str
    hooks: tuple
    disabled: bool = False


def builtin_plugins(public_url=DEFAULT_PUBLIC_URL):
    """Return {name: plugin} for the plugins every hub starts with."""
    plugins = [routing, cc, OpenClaw(public_url), signed_json]
    return dict(zip(BUILTIN_NAMES, plugins))


def make_plugin_manager(
    *, public_url=DEFAULT_PUBLIC_URL, disabled=(), load_entrypoints=True
):
    """Return a new plugin manager with the built-ins and installed plugins.

    Third-party plugins come from the ``forest_chat`` entry-point group. Each
    name in disabled is left out; an unknown name raises ValueError.
    """
    builtins = builtin_plugins(public_url)
    installed = _entry_point_names() if load_entrypoints else []
    _check_disabled(disabled, [*builtins, *installed])
    for name in sorted(set(installed) & set(builtins)):
        log.warning(
            "plugin %r from entry point group %r is ignored: a built-in has that "
            "name; give it another",
            name,
            ENTRY_POINT_GROUP,
        )

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    # Blocked names are never registered, so a disabled installed plugin is
    # not even imported: disabling one that fails to import lets the hub start.
    for name in disabled:
        pm.set_blocked(name)
    for name, plugin in builtins.items():
        pm.register(plugin, name=name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)

    # Refuse a plugin whose hook name is misspelt instead of never calling it.
    pm.check_pending()
    loaded = [name for name, plugin in pm.list_name_plugin() if plugin is not None]
    log.info("plugins loaded: %s", ", ".join(loaded))
    return pm


def describe_plugins(pm):
    """Return a PluginInfo for every plugin pm knows, the disabled ones last."""
    sources = {
        id(plugin): f"{dist.project_name} {dist.version}"
        for plugin, dist in pm.list_plugin_distinfo()
    }
    found = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            found.append(PluginInfo(name, "", (), disabled=True))
            continue
        source = sources.get(id(plugin), _builtin_or_other(name, plugin))
        hooks = tuple(sorted(hook.name for hook in pm.get_hookcallers(plugin)))
        found.append(PluginInfo(name, source, hooks))
    return sorted(found, key=lambda info: info.disabled)


def known_strategies(pm):
    """Return the sorted names of the wake strategies pm's plugins declare."""
    answers = pm.hook.forest_chat_wake_strategies()
    return sorted({name for answer in answers for name in answer or ()})


def _builtin_or_other(name, plugin):
    module = getattr(plugin, "__module__", None) or getattr(plugin, "__name__", "")
    if name in BUILTIN_NAMES and module.startswith(__package__):
        return BUILTIN
    return "registered in code"


def _entry_point_names():
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return list(dict.fromkeys(entry.name for entry in found))


def _check_disabled(disabled, known):
    if isinstance(disabled, str):
        raise TypeError("disabled must be a list of plugin names, not a string")
    unknown = [name for name in disabled if name not in known]
    if unknown:
        raise ValueError(
            f"cannot disable unknown plugin {unknown[0]!r}; "
            f"the plugins are: {', '.join(known) or 'none'}"
        )
