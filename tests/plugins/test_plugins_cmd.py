"""``forest-chat plugins`` lists the plugins and the hooks they implement."""

import argparse

from forest_chat.adapters.cli import plugins_cmd


def run(*argv):
    """Parse argv as the plugins command would and run it."""
    parser = argparse.ArgumentParser()
    plugins_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["plugins", *argv])
    return args.run(args)


def test_the_listing_names_each_plugin_its_source_and_hooks(capsys):
    """Every built-in is listed as built-in with the hooks it implements."""
    code = run()

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].split() == ["PLUGIN", "FROM", "HOOKS"]
    assert lines[2].split() == ["cc", "built-in", "forest_chat_copies"]
    assert lines[-1] == "wake strategies: json, openclaw-agent, openclaw-wake"


def test_disable_shows_the_plugin_as_disabled(capsys):
    """--disable marks the plugin disabled and drops its strategies."""
    code = run("--disable", "signed-json", "--disable", "cc")

    out = capsys.readouterr().out
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines() if "disabled" in line] == [
        ["signed-json", "disabled"],
        ["cc", "disabled"],
    ]
    assert "wake strategies: openclaw-agent, openclaw-wake" in out


def test_disabling_an_unknown_plugin_is_an_error(capsys):
    """An unknown name exits 2 and names the plugins there are."""
    code = run("--disable", "nope")

    err = capsys.readouterr().err
    assert code == 2
    assert "cannot disable unknown plugin 'nope'" in err


def test_config_file_disables_plugins_as_the_hub_would(tmp_path, capsys):
    """--config leaves out the disabled_plugins the hub's settings name."""
    config = tmp_path / "hub.toml"
    config.write_text('disabled_plugins = ["cc"]\n')

    code = run("--config", str(config))

    out = capsys.readouterr().out
    assert code == 0
    assert ["cc", "disabled"] in [line.split()[:2] for line in out.splitlines()]
