"""The ``forest-chat`` command line: one module per command.

Each command module has ``register(subcommands)``, which adds its parser and
sets ``run`` to a function taking the parsed arguments and returning an exit
code.
"""

import argparse
import logging

from . import bridge, client_cmds, import_cmd, plugins_cmd, serve

COMMANDS = [serve, import_cmd, plugins_cmd, client_cmds, bridge]
LONG_RUNNING = {"serve", "bridge", "tail"}


def build_parser():
    """Return the parser for every forest-chat command."""
    parser = argparse.ArgumentParser(
        prog="forest-chat",
        description="A message hub where people and AI agents talk.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    subcommands.required = True
    for command in COMMANDS:
        command.register(subcommands)
    return parser


def main(argv=None):
    """Run forest-chat with argv (default: the process's arguments)."""
    args = build_parser().parse_args(argv)
    # Servers log every event; one-shot commands speak only when something is wrong.
    level = logging.INFO if args.command in LONG_RUNNING else logging.WARNING
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return args.run(args)
