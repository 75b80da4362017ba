"""The core's Rules, answered by the plugins' hooks."""

import logging

from forest_chat.core import Rules, default_recipients

log = logging.getLogger(__name__)


class PluginRules(Rules):
    """Routing, copies and stored-message news, asked of a plugin manager."""

    def __init__(self, pm):
        self.pm = pm

    def recipients(self, message, roster):
        names = self.pm.hook.forest_chat_recipients(message=message, roster=roster)
        if names is None:
            return default_recipients(message, roster)
        return list(names)

    def copies(self, message, roster):
        answers = self.pm.hook.forest_chat_copies(message=message, roster=roster)
        return [copy for answer in answers for copy in answer or ()]

    def stored(self, message):
        # Each plugin is called on its own so that one that fails neither
        # breaks the send nor keeps the others from hearing of the message.
        # Wrappers have nothing to wrap here and are not called.
        hook = self.pm.hook.forest_chat_message_stored
        offered = {"message": message}
        for impl in reversed(hook.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            try:
                impl.function(**{name: offered[name] for name in impl.argnames})
            except Exception:
                log.exception(
                    "plugin %s failed on stored message %s",
                    impl.plugin_name,
                    message.id,
                )
