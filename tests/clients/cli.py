"""Run ``forest-chat`` with the client commands and the bridge, for tests.

``python -m tests.clients.cli ARGS`` behaves as ``forest-chat ARGS`` does,
whether or not the commands are in ``forest_chat.adapters.cli.COMMANDS`` yet.
"""

import argparse
import logging
import sys

from forest_chat.adapters import cli
from forest_chat.adapters.cli import bridge, client_cmds


def build_parser():
    """Return forest-chat's parser with every command, the client ones included."""
    extra = [module for module in (client_cmds, bridge) if module not in cli.COMMANDS]
    parser = argparse.ArgumentParser(prog="forest-chat")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    subcommands.required = True
    for command in [*cli.COMMANDS, *extra]:
        command.register(subcommands)
    return parser


def main(argv=None):
    """Run one command as forest-chat does; return its exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(main())
