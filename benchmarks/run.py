"""Measure the hub under gunicorn against a no-op Falcon app, in one run.

    python benchmarks/run.py                 # full run, prints a Markdown report
    python benchmarks/run.py --write /tmp/report.md   # also into a file
    python benchmarks/run.py --sizes 1000 --seconds 3   # a quick look

Every figure is measured here, now: the hub's sends and inbox reads at several
history sizes, the no-op ceiling on the same gunicorn settings (loaded in turns
with the hub, so both meet the same machine), the import of a legacy file of each
size, and the server's memory.
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

from load import combine, run_load, send_body  # noqa: E402

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


def measure_pair(noop_url, hub_url, args):
    """Load the no-op app and the hub in turn, round by round; return their stats.

    Alternating short rounds puts both under the same moment's machine, so
    their ratio holds even when the machine's speed drifts during the run.
    """
    seconds = args.seconds / args.rounds
    for i in range(10):
        requests.post(
            f"{hub_url}/api/send",
            json={"from": "bigc", "to": "redwood", "message": f"unread {i}"},
            timeout=10,
        )

    stats = {}
    for name, make_request in [
        ("sends", lambda i: ("POST", "/api/send", send_body(i))),
        ("reads", lambda i: ("GET", "/api/read?for=redwood&mark_read=false", None)),
    ]:
        runs = {"noop": [], "hub": []}
        for _ in range(args.rounds):
            for side, url in [("noop", noop_url), ("hub", hub_url)]:
                runs[side].append(
                    run_load(
                        url,
                        make_request,
                        connections=args.connections,
                        seconds=seconds,
                    )
                )
        for side, measured in runs.items():
            stats[side, name] = combine(measured)
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=4, help="no-op and hub turns per figure"
    )
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
        for size in [int(s) for s in args.sizes.split(",")]:
            results.append(measure_size(size, work, config, server.url, args))
            print(f"{size}: {results[-1]['hub', 'sends']['per_second']:.0f} "
                  f"sends/s", file=sys.stderr)

    report = render(args, results)
    print(report)
    if args.write:
        args.write.write_text(report)


def measure_size(size, work, config, noop_url, args):
    """Import a history of size messages, serve it, and measure it with the no-op."""
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
    with Server(hub_command(port, data, config), port, work / f"hub-{size}.log") as s:
        stats = measure_pair(noop_url, s.url, args)
        server_mb, worker_mb = s.rss_mb()
    return {
        **stats,
        "size": size,
        "imported": imported,
        "server_mb": server_mb,
        "worker_mb": worker_mb,
    }


def render(args, results):
    durability = (
        "no fsync (durable = false)" if args.no_fsync else "fsync on every write"
    )
    lines = [
        "| stored before | server | sends/s | send p50 ms | send p99 ms "
        "| reads/s (10 unread) | read p50 ms | read p99 ms | import s "
        "| server RSS MB | worker RSS MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for side, label in [("noop", "no-op Falcon"), ("hub", "Forest Chat")]:
            sends, reads = r[side, "sends"], r[side, "reads"]
            extra = (
                f"{r['imported']:.1f} | {r['server_mb']:.0f} | {r['worker_mb']:.0f}"
                if side == "hub"
                else " |  | "
            )
            lines.append(
                f"| {r['size']:,} | {label} | {sends['per_second']:.0f} | "
                f"{sends['p50_ms']:.1f} | {sends['p99_ms']:.1f} | "
                f"{reads['per_second']:.0f} | {reads['p50_ms']:.1f} | "
                f"{reads['p99_ms']:.1f} | {extra} |"
            )

    first, last = results[0], results[-1]
    errors = sum(
        r[side, kind]["errors"]
        for r in results
        for side in ("noop", "hub")
        for kind in ("sends", "reads")
    )
    lines += [
        "",
        f"- Durability: {durability}.",
        f"- Sends at {last['size']:,} / sends at {first['size']:,}: "
        f"{_rate(last, 'hub', 'sends') / _rate(first, 'hub', 'sends'):.2f}",
        f"- Read p50 at {last['size']:,} / read p50 at {first['size']:,}: "
        f"{last['hub', 'reads']['p50_ms'] / first['hub', 'reads']['p50_ms']:.2f}",
        "- Sends / no-op sends, measured in turn: "
        + ", ".join(
            f"{r['size']:,}: "
            f"{_rate(r, 'hub', 'sends') / _rate(r, 'noop', 'sends'):.2f}"
            for r in results
        ),
        f"- Failed requests: {errors}",
        f"- Load: {args.connections} keep-alive connections from a Python client on "
        f"the same machine, {args.seconds:g} s per figure in {args.rounds} turns "
        "alternating with the no-op app.",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
    ]
    return "\n".join(lines) + "\n"


def _rate(result, side, kind):
    return result[side, kind]["per_second"]


if __name__ == "__main__":
    main()
