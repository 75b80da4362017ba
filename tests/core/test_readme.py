"""The README's library example works as written."""

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

EXAMPLE = """\
from forest_chat.core import Hub, Roster
from forest_chat.adapters.memory import MemoryStore

hub = Hub(store=MemoryStore(), roster=Roster.default())
sent = hub.send(sender="cypress", to="redwood", text="hi")
print([m.text for m in hub.read("redwood")])   # ['hi']
"""


def test_library_example(capsys):
    """The example in 'Use the core as a library' prints ['hi']."""
    exec(compile(EXAMPLE, "README.md", "exec"), {})

    assert capsys.readouterr().out == "['hi']\n"


def test_readme_shows_the_example():
    """The README's library section holds the example above, word for word."""
    heading = "## Use the core as a library"
    text = README.read_text(encoding="utf-8")

    assert heading in text
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    assert f"```python\n{EXAMPLE}```" in section
