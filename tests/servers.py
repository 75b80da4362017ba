"""Starting and stopping real ``forest-chat serve`` processes for tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HubProcess:
    """A hub served by gunicorn in its own process group, on a free port."""

    def __init__(
        self, data_dir, *, port=None, workers=2, threads=None, config=None, env=None
    ):
        self.data_dir = Path(data_dir)
        self.workers = workers
        self.threads = threads
        self.config = config
        self.env = env or {}
        self.port = port
        self.process = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        """Start the server and wait until /health answers."""
        self.port = self.port or free_port()
        command = [
            sys.executable, "-m", "forest_chat.adapters.cli", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--data-dir", str(self.data_dir),
        ]
        if self.threads:
            command += ["--threads", str(self.threads)]
        if self.config:
            command += ["--config", str(self.config)]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **self.env},
        )
        log.close()
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited at start:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/health", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"hub did not answer /health in {timeout} s:\n{self.log()}")

    def kill(self):
        """Kill the whole server, master and workers, with SIGKILL."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Stop the server gracefully, then by force if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
