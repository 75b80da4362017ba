"""The example plugin package, installed with pip, works through its entry point."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forest_chat.plugins import (
    describe_plugins,
    known_strategies,
    make_plugin_manager,
)

from .conftest import PUBLIC_URL

EXAMPLE = Path(__file__).parents[2] / "examples" / "forest-chat-teamchat"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Install the example into a folder of its own, offline; return the folder."""
    source = tmp_path_factory.mktemp("source") / "teamchat"
    target = tmp_path_factory.mktemp("site")
    # Build from a copy so that the build leaves nothing in the repository.
    shutil.copytree(EXAMPLE, source)
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    return target


@pytest.fixture
def teamchat(site, monkeypatch):
    """Put the installed example on the import path; forget it afterwards."""
    monkeypatch.syspath_prepend(str(site))
    yield
    for name in [m for m in sys.modules if m.startswith("forest_chat_teamchat")]:
        del sys.modules[name]


@pytest.fixture
def plugins(teamchat):
    """Return a fresh manager that loads entry points, the example's included."""
    return make_plugin_manager(public_url=PUBLIC_URL)


def test_the_example_is_found_through_its_entry_point(plugins):
    """The installed distribution provides the teamchat plugin and strategy."""
    listing = {info.name: info for info in describe_plugins(plugins)}

    assert listing["teamchat"].source == "forest-chat-teamchat 0.1.0"
    assert "teamchat" in known_strategies(plugins)


def test_the_example_strategy_changes_what_the_gateway_gets(
    plugins, make_rig, gateway
):
    """A bot set to teamchat is woken with a chat line instead of an OpenClaw wake."""
    rig = make_rig(plugins)
    rig.webhook("cypress", gateway.url("/hooks/wake"), strategy="teamchat")

    rig.hub.send("bigc", "cypress", "the roof is done")
    rig.outcomes.wait_for(1)

    [received] = gateway.received
    assert received.json == {
        "text": "@cypress: bigc wrote to cypress on Forest Chat: the roof is done",
        "username": "Forest Chat",
    }
    assert received.status == 200


def test_the_example_group_alias_wakes_every_bot(plugins, make_rig, gateway):
    """A message to ``bots`` reaches and wakes both bots."""
    rig = make_rig(plugins)
    rig.webhook("cypress", gateway.url("/hooks/wake"))
    rig.webhook("redwood", gateway.url("/hooks/wake"))

    sent = rig.hub.deliver("matthew", "bots", "stand-up in five")
    rig.outcomes.wait_for(2)

    assert sorted(sent.message.delivered_to) == ["cypress", "redwood"]
    assert [r.json["text"] for r in gateway.received] == [
        "matthew wrote to bots: stand-up in five"
    ] * 2


def test_the_example_can_be_disabled(teamchat):
    """Disabled by its entry-point name, the example adds no strategy."""
    pm = make_plugin_manager(disabled=["teamchat"])

    strategies = known_strategies(pm)

    assert "teamchat" not in strategies
