"""docs/plugins.md keeps up with the hooks and the built-in plugins."""

from pathlib import Path

import pytest

from forest_chat.plugins import hookspecs
from forest_chat.plugins.manager import BUILTIN_NAMES

GUIDE = Path(__file__).parents[2] / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("forest_chat_"))


def test_every_hook_is_specified():
    """The hook list this test walks is the one plugins are held to."""
    assert HOOKS == [
        "forest_chat_copies",
        "forest_chat_message_stored",
        "forest_chat_recipients",
        "forest_chat_wake_request",
        "forest_chat_wake_strategies",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_the_guide_has_a_section_for_every_hook(hook):
    """Each hook has a heading in the plugin authors' guide."""
    guide = GUIDE.read_text()

    assert f"### `{hook}(" in guide


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_the_guide_names_every_built_in(name):
    """Each built-in plugin's name, which disabling takes, is in the guide."""
    guide = GUIDE.read_text()

    assert f"`{name}`" in guide


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_spec_has_a_docstring(hook):
    """Each spec says when it is called and what to return."""
    doc = getattr(hookspecs, hook).__doc__

    assert doc and "Return" in doc
