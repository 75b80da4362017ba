"""A closed-loop HTTP load generator: N connections, one request at a time each."""

import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def run_load(url, make_request, *, connections, seconds):
    """Drive url with connections keep-alive clients for seconds; return stats.

    make_request(i) returns (method, path, body or None) for request number i.
    """
    parts = urlsplit(url)
    latencies = []
    errors = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**12))

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine, failed = [], 0
        while time.perf_counter() < stop_at:
            method, path, body = make_request(next(counter))
            headers = {"Content-Type": "application/json"} if body else {}
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    return summarize(latencies, sum(errors), elapsed)


def combine(runs):
    """Return the stats of several runs of run_load taken as one."""
    latencies = [latency for run in runs for latency in run["latencies"]]
    errors = sum(run["errors"] for run in runs)
    return summarize(latencies, errors, sum(run["elapsed"] for run in runs))


def summarize(latencies, errors, elapsed):
    latencies = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "elapsed": elapsed,
        "latencies": latencies,
        "per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
    }


def send_body(i, sender="bigc", to="cypress"):
    return json.dumps({"from": sender, "to": to, "message": f"benchmark {i}"}).encode()
