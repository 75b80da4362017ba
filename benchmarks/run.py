"""Measure the hub under gunicorn against a no-op Falcon app, in one run.

    python benchmarks/run.py                 # full run, prints a Markdown report
    python benchmarks/run.py --write /tmp/report.md   # also into a file
    python benchmarks/run.py --sizes 1000 --seconds 3   # a quick look

Every figure is measured here, now: the hub's sends and inbox reads at several
history sizes, the no-op ceiling on the same gunicorn settings, the import of a
legacy file of each size, and the server's memory.
"""

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import run_load, send_body  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server process in its own group, with its output in a log file."""

    def __init__(self, command, port, log_path, env=None):
        self.command = command
        self.port = port
        self.log_path = log_path
        self.env = env

    def __enter__(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=ROOT,
                env={**os.environ, **(self.env or {})},
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/health", timeout=5)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"server did not start: {self.command}")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self):
        """Return the resident memory of the whole server and of its largest worker.

        The whole server is the master and every worker, in MB.
        """
        pids = [self.process.pid] + _children(self.process.pid)
        sizes = [_rss_kb(pid) for pid in pids]
        return sum(sizes) / 1024, max(sizes[1:] or [0]) / 1024


def _children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def legacy_file(path, count):
    """Write a legacy messages.json of count messages, all already delivered."""
    names = ["cypress", "redwood", "matthew", "bigc"]
    messages = [
        {
            "id": i,
            "from": names[i % 4],
            "to": names[(i + 1) % 4] if i % 5 else "all",
            "message": f"history message {i} " + "lorem ipsum " * 8,
            "timestamp": "2026-02-06T09:20:00.123456",
            "delivered_to": {name: True for name in names},
            "attachments": [],
        }
        for i in range(1, count + 1)
    ]
    path.write_text(json.dumps(messages))


def hub_command(port, data_dir, config):
    return [
        sys.executable,
        "-m",
        "forest_chat.adapters.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--data-dir",
        str(data_dir),
        "--config",
        str(config),
    ]


def measure_app(url, args):
    sends = run_load(
        url,
        lambda i: ("POST", "/api/send", send_body(i)),
        connections=args.connections,
        seconds=args.seconds,
    )
    for i in range(10):
        requests.post(
            f"{url}/api/send",
            json={"from": "bigc", "to": "redwood", "message": f"unread {i}"},
            timeout=10,
        )
    reads = run_load(
        url,
        lambda i: ("GET", "/api/read?for=redwood&mark_read=false", None),
        connections=args.connections,
        seconds=args.seconds,
    )
    return sends, reads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-fsync", action="store_true", help="durable = false")
    parser.add_argument("--write", type=Path, help="also write the report here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="forest-bench-"))
    config = work / "hub.toml"
    config.write_text(f"durable = {'false' if args.no_fsync else 'true'}\n")
    results = []

    port = free_port()
    noop = [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        "gthread",
        "-w",
        "2",
        "--threads",
        "100",
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "benchmarks.noop_app:create()",
    ]
    with Server(noop, port, work / "noop.log") as server:
        ceiling_sends, ceiling_reads = measure_app(server.url, args)
    print(f"no-op: {ceiling_sends['per_second']:.0f} sends/s", file=sys.stderr)

    for size in [int(s) for s in args.sizes.split(",")]:
        data = work / f"data-{size}"
        data.mkdir()
        legacy_file(work / f"legacy-{size}.json", size)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "forest_chat.adapters.cli",
                "import",
                str(work / f"legacy-{size}.json"),
                "--data-dir",
                str(data),
                "--config",
                str(config),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        imported = time.perf_counter() - started

        port = free_port()
        with Server(
            hub_command(port, data, config), port, work / f"hub-{size}.log"
        ) as s:
            sends, reads = measure_app(s.url, args)
            server_mb, worker_mb = s.rss_mb()
        results.append((size, imported, sends, reads, server_mb, worker_mb))
        print(f"{size}: {sends['per_second']:.0f} sends/s", file=sys.stderr)

    report = render(args, ceiling_sends, ceiling_reads, results)
    print(report)
    if args.write:
        args.write.write_text(report)


def render(args, ceiling_sends, ceiling_reads, results):
    durability = (
        "no fsync (durable = false)" if args.no_fsync else "fsync on every write"
    )
    lines = [
        "| stored before | sends/s | send p50 ms | send p99 ms | reads/s (10 unread) "
        "| read p50 ms | read p99 ms | import s | server RSS MB | worker RSS MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| no-op Falcon | {ceiling_sends['per_second']:.0f} | "
        f"{ceiling_sends['p50_ms']:.1f} | {ceiling_sends['p99_ms']:.1f} | "
        f"{ceiling_reads['per_second']:.0f} | {ceiling_reads['p50_ms']:.1f} | "
        f"{ceiling_reads['p99_ms']:.1f} | | | |",
    ]
    for size, imported, sends, reads, server_mb, worker_mb in results:
        lines.append(
            f"| {size:,} | {sends['per_second']:.0f} | {sends['p50_ms']:.1f} | "
            f"{sends['p99_ms']:.1f} | {reads['per_second']:.0f} | "
            f"{reads['p50_ms']:.1f} | {reads['p99_ms']:.1f} | {imported:.1f} | "
            f"{server_mb:.0f} | {worker_mb:.0f} |"
        )

    first, last = results[0], results[-1]
    errors = sum(r[2]["errors"] + r[3]["errors"] for r in results)
    lines += [
        "",
        f"- Durability: {durability}.",
        f"- Sends at {last[0]:,} / sends at {first[0]:,}: "
        f"{last[2]['per_second'] / first[2]['per_second']:.2f}",
        f"- Read p50 at {last[0]:,} / read p50 at {first[0]:,}: "
        f"{last[3]['p50_ms'] / first[3]['p50_ms']:.2f}",
        "- Sends / no-op ceiling: "
        + ", ".join(
            f"{r[0]:,}: {r[2]['per_second'] / ceiling_sends['per_second']:.2f}"
            for r in results
        ),
        f"- Failed requests: {errors}",
        f"- Load: {args.connections} keep-alive connections for {args.seconds:g} s "
        "per figure, from a Python client on the same machine.",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
