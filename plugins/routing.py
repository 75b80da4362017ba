"""Built-in plugin ``routing``: the addressee, or everyone but the sender."""

from forest_chat.core import default_recipients

from .hookspecs import hookimpl


# trylast: a plugin with a group or alias of its own is asked first.
@hookimpl(trylast=True)
def forest_chat_recipients(message, roster):
    """Send to the addressee, or for ``all`` to everyone but the sender."""
    return default_recipients(message, roster)
