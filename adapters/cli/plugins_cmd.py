"""``forest-chat plugins``: list the plugins loaded and the hooks each implements."""

import sys
from pathlib import Path

from forest_chat.plugins import describe_plugins, known_strategies, make_plugin_manager

from ..settings import SettingsError, load_settings


def register(subcommands):
    parser = subcommands.add_parser(
        "plugins",
        help="list the loaded plugins and their hooks",
        description=(
            "List every plugin the hub would load: the built-ins and those "
            "installed in the 'forest_chat' entry-point group, where each comes "
            "from, and the hooks it implements."
        ),
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="NAME",
        help="leave plugin NAME out, as the hub would; repeat for more",
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="a TOML settings file; its disabled_plugins are left out too",
    )
    parser.set_defaults(run=run)


def run(args):
    """Print the plugin listing; return the exit code."""
    try:
        settings = load_settings(args.config)
        disabled = [*settings.disabled_plugins, *args.disable]
        pm = make_plugin_manager(disabled=list(dict.fromkeys(disabled)))
    except (SettingsError, ValueError) as exc:
        print(f"forest-chat plugins: {exc}", file=sys.stderr)
        return 2

    rows = [("PLUGIN", "FROM", "HOOKS")]
    for info in describe_plugins(pm):
        if info.disabled:
            rows.append((info.name, "disabled", "-"))
        else:
            rows.append((info.name, info.source, ", ".join(info.hooks) or "-"))
    name_width = max(len(row[0]) for row in rows)
    source_width = max(len(row[1]) for row in rows)
    for name, source, hooks in rows:
        print(f"{name:<{name_width}}  {source:<{source_width}}  {hooks}")
    print()
    print(f"wake strategies: {', '.join(known_strategies(pm)) or 'none'}")
    return 0
