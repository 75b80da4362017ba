"""Built-in plugin ``cc``: copy bot-to-bot talk to the operator."""

from forest_chat.core import cc_copies

from .hookspecs import hookimpl


@hookimpl
def forest_chat_copies(message, roster):
    """Copy a bot's message to the operator as ``[CC:<to>] <text>``."""
    return cc_copies(message, roster)
