"""Every package in the tree is shipped: an installed hub is not missing modules."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"core", "adapters", "plugins", "webui", "client"}


def declared_packages():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def test_every_package_folder_is_declared():
    """Each folder with an __init__.py under a top-level package is in setup.cfg."""
    found = {
        "forest_chat." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }

    assert found == declared_packages()
