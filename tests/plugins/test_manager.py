"""The plugin manager factory: built-ins, entry points and disabling."""

import logging
import sys
import textwrap

import pluggy
import pytest

from forest_chat.plugins import describe_plugins, make_plugin_manager

BUILT_INS = ["routing", "cc", "openclaw", "signed-json"]


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Return a function that fakes an installed distribution with a plugin.

    install(entry_name, source) writes module ``fake_<entry_name>`` and a
    dist-info naming it in the ``forest_chat`` entry-point group, on sys.path.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = []

    def install_plugin(entry_name, source):
        module = f"fake_{entry_name.replace('-', '_')}"
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        info = tmp_path / f"{module}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n"
        )
        (info / "entry_points.txt").write_text(
            f"[forest_chat]\n{entry_name} = {module}\n"
        )
        modules.append(module)
        return module

    yield install_plugin
    for module in modules:
        sys.modules.pop(module, None)


GREETER = """
    from forest_chat.plugins import hookimpl

    @hookimpl
    def forest_chat_message_stored(message):
        pass
"""


def registered(pm):
    """Return the names of the plugins pm has registered, in order."""
    return [name for name, plugin in pm.list_name_plugin() if plugin is not None]


def test_the_built_ins_are_registered_under_stable_names():
    """A new manager holds routing, cc, openclaw and signed-json."""
    pm = make_plugin_manager(load_entrypoints=False)

    names = registered(pm)

    assert names == BUILT_INS


def test_an_installed_plugin_is_loaded_from_its_entry_point(install):
    """A distribution's forest_chat entry point becomes a registered plugin."""
    install("greeter", GREETER)

    pm = make_plugin_manager()

    [info] = [i for i in describe_plugins(pm) if i.name == "greeter"]
    assert info.source == "fake_greeter 0.1"
    assert info.hooks == ("forest_chat_message_stored",)


def test_entry_points_are_skipped_when_asked(install):
    """load_entrypoints=False leaves installed plugins out."""
    install("greeter", GREETER)

    pm = make_plugin_manager(load_entrypoints=False)

    assert registered(pm) == BUILT_INS


def test_a_disabled_built_in_is_not_registered():
    """disabled=["cc"] leaves the CC plugin's hook unimplemented."""
    pm = make_plugin_manager(disabled=["cc"], load_entrypoints=False)

    hooks = pm.hook.forest_chat_copies.get_hookimpls()

    assert "cc" not in registered(pm)
    assert hooks == []


def test_a_disabled_installed_plugin_is_never_imported(install):
    """A plugin that fails on import can be disabled and the hub still starts."""
    module = install("broken", "raise ImportError('missing dependency')\n")

    pm = make_plugin_manager(disabled=["broken"])

    assert "broken" not in registered(pm)
    assert module not in sys.modules


def test_disabling_an_unknown_plugin_names_the_known_ones():
    """An unknown name in disabled raises ValueError listing every plugin."""
    with pytest.raises(ValueError) as refused:
        make_plugin_manager(disabled=["ccc"], load_entrypoints=False)

    assert str(refused.value) == (
        "cannot disable unknown plugin 'ccc'; "
        "the plugins are: routing, cc, openclaw, signed-json"
    )


def test_disabled_must_be_a_list_of_names():
    """A single string for disabled is refused instead of read letter by letter."""
    with pytest.raises(TypeError):
        make_plugin_manager(disabled="cc", load_entrypoints=False)


def test_a_misspelt_hook_is_refused(install):
    """An installed plugin implementing a hook that does not exist fails loudly."""
    install(
        "typo",
        """
        from forest_chat.plugins import hookimpl

        @hookimpl
        def forest_chat_message_sotred(message):
            pass
        """,
    )

    with pytest.raises(pluggy.PluginValidationError, match="message_sotred"):
        make_plugin_manager()


def test_an_entry_point_with_a_built_ins_name_is_ignored(install, caplog):
    """A third-party plugin named cc leaves the built-in in place, and says so."""
    install("cc", GREETER)

    pm = make_plugin_manager()

    assert pm.get_plugin("cc").__name__ == "forest_chat.plugins.cc"
    assert "plugin 'cc' from entry point group 'forest_chat' is ignored" in (
        caplog.text
    )


def test_the_listing_marks_disabled_plugins():
    """describe_plugins keeps a disabled plugin, marked disabled, with no hooks."""
    pm = make_plugin_manager(disabled=["signed-json"], load_entrypoints=False)

    listing = {info.name: info for info in describe_plugins(pm)}

    assert listing["signed-json"].disabled
    assert listing["openclaw"].source == "built-in"
    assert listing["openclaw"].hooks == (
        "forest_chat_wake_request",
        "forest_chat_wake_strategies",
    )


def test_each_manager_is_new():
    """Two managers share no registrations."""
    first = make_plugin_manager(load_entrypoints=False)
    second = make_plugin_manager(load_entrypoints=False)

    first.unregister(name="cc")

    assert "cc" in registered(second)


def test_loading_is_logged(caplog):
    """One INFO line names the plugins loaded."""
    caplog.set_level(logging.INFO, logger="forest_chat.plugins.manager")

    make_plugin_manager(load_entrypoints=False)

    assert "plugins loaded: routing, cc, openclaw, signed-json" in caplog.text
