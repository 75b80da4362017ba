import io
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from forest_chat.adapters.cli import main
from forest_chat.client import Client
from tests.servers import HubProcess

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    """What a forest-chat command did: exit status and what it printed."""

    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A hub under gunicorn with two workers, shared by a module's tests."""
    with HubProcess(tmp_path_factory.mktemp("hub") / "data", workers=2) as server:
        yield server


@pytest.fixture
def client(hub):
    """A client of the module's hub."""
    with Client(hub.url) as client:
        yield client


@pytest.fixture
def forest_chat(hub, capsys, monkeypatch):
    """Run a forest-chat command in this process against the hub; return a Ran."""
    monkeypatch.setenv("FOREST_CHAT_URL", hub.url)

    def run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(list(argv))
        except SystemExit as exit:
            code = exit.code
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


class Command:
    """A forest-chat command running as its own process; stderr goes to a file."""

    def __init__(self, argv, log_path, env=None, sigint=signal.SIG_DFL):
        self.log = log_path.open("w+b")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "forest_chat.adapters.cli", *argv],
            stdout=subprocess.PIPE,
            stderr=self.log,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            # Whatever this test process was started with, the command starts
            # as from a terminal unless a test asks otherwise.
            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
        )

    def readline(self):
        """Return the next line the command prints (blocks until there is one)."""
        return self.process.stdout.readline().decode()

    def stderr(self):
        """Return everything the command wrote to stderr so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, signum=signal.SIGTERM, timeout=20):
        """Send signum and return the exit status."""
        self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.log.close()


@pytest.fixture
def spawn(tmp_path):
    """Start forest-chat commands as processes; kill any still running at the end."""
    started = []

    def start(*argv, env=None, sigint=signal.SIG_DFL):
        log_path = tmp_path / f"command-{len(started)}.log"
        command = Command(argv, log_path, env, sigint)
        started.append(command)
        return command

    yield start

    for command in started:
        command.close()
