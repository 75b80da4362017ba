"""Plugins: the hook contract, the plugin manager and the built-in plugins.

A plugin is any object (module, instance) with functions marked
``@hookimpl`` named after the hooks in ``hookspecs``.
"""

from .hookspecs import hookimpl, hookspec
from .manager import (
    ENTRY_POINT_GROUP,
    describe_plugins,
    known_strategies,
    make_plugin_manager,
)
from .request import WakeRequest, bearer, encode_json, preview, strategy_for
from .rules import PluginRules

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginRules",
    "WakeRequest",
    "bearer",
    "describe_plugins",
    "encode_json",
    "hookimpl",
    "hookspec",
    "known_strategies",
    "make_plugin_manager",
    "preview",
    "strategy_for",
]
