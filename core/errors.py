"""Errors raised by the domain, each saying what the caller should change."""


class ForestChatError(Exception):
    """Base for every rule of the hub a caller can break."""


class InvalidInput(ForestChatError):
    """A request the hub understood but will not carry out as given."""


class UnknownParticipant(InvalidInput):
    """A name that is not on the roster."""

    def __init__(self, name, known, *, role="participant", extra=()):
        self.name = name
        choices = ", ".join(sorted(known) + list(extra))
        super().__init__(f"unknown {role} {name!r}; known names are: {choices}")


class EmptyMessage(InvalidInput):
    """A message with neither text nor attachments."""

    def __init__(self):
        super().__init__("a message needs text in 'message' or at least one attachment")


class MessageTooLong(InvalidInput):
    """Message text longer than the hub accepts."""

    def __init__(self, length, limit):
        super().__init__(
            f"message text is {length:,} characters; the limit is {limit:,}"
        )


class BadAttachment(InvalidInput):
    """An attachment that does not name a file uploaded to this hub."""


class NotABot(InvalidInput):
    """Webhook settings asked for a participant who is not a bot."""

    def __init__(self, name, bots):
        choices = ", ".join(sorted(bots)) or "none"
        super().__init__(
            f"{name!r} is not a bot; webhooks exist for bots only: {choices}"
        )


class InvalidWebhook(InvalidInput):
    """Webhook settings that could not be used to wake a bot."""


class FileNotFound(ForestChatError):
    """A file name that names no uploaded file."""

    def __init__(self, filename):
        super().__init__(f"no uploaded file is named {filename!r}")


class TooLarge(ForestChatError):
    """A payload over a size limit of the hub."""


class RosterError(ValueError):
    """A roster that cannot be used: bad names, duplicates, no operator."""
