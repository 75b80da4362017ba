"""Without Chromium the page tests skip, unless CI says the browser must be there."""

import pytest

from .conftest import browser_unavailable

REASON = "/usr/bin/chromium is missing: install Debian's chromium package"


def test_missing_browser_skips_with_the_reason(monkeypatch):
    """With no requirement set, a missing browser skips the test and says why."""
    monkeypatch.delenv("FOREST_CHAT_REQUIRE_BROWSER", raising=False)

    with pytest.raises(pytest.skip.Exception) as skipped:
        browser_unavailable(REASON)

    assert str(skipped.value) == REASON


def test_missing_browser_fails_when_required(monkeypatch):
    """FOREST_CHAT_REQUIRE_BROWSER=1 turns the skip into a failure with the reason."""
    monkeypatch.setenv("FOREST_CHAT_REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception) as failed:
        browser_unavailable(REASON)

    assert str(failed.value).startswith(REASON)
