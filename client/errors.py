"""The one error the client raises, whatever went wrong."""


class ForestChatClientError(Exception):
    """A call to the hub that did not succeed.

    ``status`` is the HTTP status the hub answered with, or None when no
    answer came (the hub could not be reached, or did not answer in time).
    ``error`` is the hub's own ``{"error": ...}`` text, or a description of
    what failed on the way.
    """

    def __init__(self, error, status=None, *, retryable=None):
        super().__init__(error)
        self.error = error
        self.status = status
        self._retryable = retryable

    @property
    def retryable(self):
        """Tell whether the same call may succeed later: no answer, 429 or 5xx."""
        if self._retryable is not None:
            return self._retryable
        return self.status is None or self.status == 429 or self.status >= 500
