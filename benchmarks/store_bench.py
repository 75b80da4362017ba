"""Measure TinyDBMessageStore: appends, reads, restore, idle waiting and memory.

    python benchmarks/store_bench.py               # everything, a few minutes
    python benchmarks/store_bench.py --only restore
    python benchmarks/store_bench.py --only appends --processes 2 --threads 16

Each measurement runs in a fresh directory under --dir (a temporary folder
by default, which should be on the disk the hub will use: fsync speed is
most of what is measured).
"""

import argparse
import gc
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

from forest_chat.adapters.storage import TinyDBMessageStore
from forest_chat.core import Draft, Message

TIMESTAMP = "2026-02-06T09:20:00.123456+00:00"
TEXT = "The crew finished the north fence; tomorrow we start on the shed roof. " * 2
READERS = ("cypress", "redwood", "matthew", "bigc")


def draft(i):
    """Return the i-th of a mix of direct messages and broadcasts."""
    sender = READERS[i % len(READERS)]
    others = tuple(r for r in READERS if r != sender)
    if i % 3 == 0:
        return Draft(sender, "all", TEXT, TIMESTAMP, others)
    return Draft(sender, others[i % 3], TEXT, TIMESTAMP, (others[i % 3],))


def old_messages(count):
    """Return count stored-looking messages, half of them already fetched."""
    return [
        Message.from_draft(draft(i), i + 1).delivered(READERS[i % 4])
        if i % 2
        else Message.from_draft(draft(i), i + 1)
        for i in range(count)
    ]


def _filled(root, count, durable):
    """Return a new store folder holding count old messages, flushed to disk."""
    folder = Path(tempfile.mkdtemp(dir=root))
    store = TinyDBMessageStore(folder, durable=durable)
    store.restore(old_messages(count))
    store.close()
    # Let the kernel finish writing the history out, or its writeback would
    # slow down (and be counted in) whatever is measured next.
    os.sync()
    return folder


def appends_per_second(store, threads, seconds):
    """Append one message per call from threads threads; return calls per second."""
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def send(slot):
        i = 0
        while time.monotonic() < stop:
            store.append([draft(i)])
            i += 1
        counts[slot] = i

    workers = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def timed(call, repeat):
    """Return the mean seconds of call() over repeat runs."""
    started = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - started) / repeat


def bench_appends(root, histories, thread_counts, processes, seconds):
    print(f"appends per second (one message per append, {processes} process(es)),")
    print("and CPU milliseconds per append (all threads, leader included)")
    print(f"{'history':>9} {'threads':>8} {'durable':>10} {'cpu ms':>7} "
          f"{'not durable':>12} {'cpu ms':>7}")
    for history in histories:
        for threads in thread_counts:
            row = []
            for durable in (True, False):
                folder = _filled(root, history, durable)
                row += _appends_in_processes(folder, durable, threads, processes,
                                             seconds)
            print(f"{history:>9} {threads:>8} {row[0]:>10.0f} {row[1]:>7.3f} "
                  f"{row[2]:>12.0f} {row[3]:>7.3f}")


def _appends_in_processes(folder, durable, threads, processes, seconds):
    """Return [appends per second, CPU ms per append] over every process."""
    jobs = [(str(folder), durable, threads, seconds)] * processes
    if processes == 1:
        results = [_appends(*jobs[0])]
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as pool:
            results = pool.starmap(_appends, jobs)
    rate = sum(r for r, _ in results)
    cpu = sum(c for _, c in results)
    return [rate, cpu * 1e3 / (rate * seconds)]


def _appends(folder, durable, threads, seconds):
    store = TinyDBMessageStore(folder, durable=durable)
    started = time.process_time()
    rate = appends_per_second(store, threads, seconds)
    cpu = time.process_time() - started
    store.close()
    return rate, cpu


def bench_reads(root, histories):
    print("\nreads, milliseconds per call")
    print(f"{'history':>9} {'history(50)':>12} {'since-50':>9} {'unread':>8} "
          f"{'take, none':>12} {'reopen':>8}")
    for history in histories:
        folder = _filled(root, history, durable=False)
        store = TinyDBMessageStore(folder, durable=False)
        store.take_unread("redwood")
        store.take_unread("cypress")
        store.append([draft(1)])
        last = store.last_id()

        recent = timed(lambda: store.history(limit=50), 200)
        since = timed(lambda: store.history(since=last - 50), 200)
        unread = timed(lambda: store.unread("redwood"), 200)
        take = timed(lambda: store.take_unread("cypress"), 200)
        store.close()
        reopen = timed(lambda: TinyDBMessageStore(folder).close(), 5)
        print(f"{history:>9} {recent * 1e3:>12.3f} {since * 1e3:>9.3f} "
              f"{unread * 1e3:>8.3f} {take * 1e3:>12.3f} {reopen * 1e3:>8.1f}")


def bench_restore(root, count):
    messages = old_messages(count)
    folder = Path(tempfile.mkdtemp(dir=root))
    store = TinyDBMessageStore(folder)

    started = time.perf_counter()
    added = store.restore(messages)
    took = time.perf_counter() - started

    store.close()
    print(f"\nrestore of {added} messages (durable): {took:.1f} s")


def bench_idle(root, waiters=50, seconds=5.0):
    folder = Path(tempfile.mkdtemp(dir=root))
    store = TinyDBMessageStore(folder)
    threads = [
        threading.Thread(target=store.wait, args=(0, seconds + 1))
        for _ in range(waiters)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)

    started = time.process_time()
    time.sleep(seconds)
    used = time.process_time() - started

    for thread in threads:
        thread.join()
    store.close()
    print(f"\n{waiters} threads waiting idle for {seconds:.0f} s used "
          f"{used * 1e3:.1f} ms of CPU")


def bench_memory(root, count):
    folder = _filled(root, count, durable=False)

    # A fresh process, so that only what the store keeps is counted.
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        rss = pool.apply(_hold_everything, (str(folder),))
    print(f"\nmemory (RSS, MB) of a process with {count} messages stored")
    for step, megabytes in rss:
        print(f"{megabytes:>7.0f}  {step}")


def _hold_everything(folder):
    rss = [("before opening the store", _rss_mb())]
    store = TinyDBMessageStore(folder, durable=False)
    store.take_unread("cypress")
    store.take_unread("redwood")
    rss.append(("after two bots fetched their backlog of unread", _rss_mb()))

    for i in range(100):
        store.append([draft(i)])
        store.history(limit=100)
        store.take_unread("cypress")
        store.unread("redwood")
    rss.append(("after 100 sends, recent history and bot reads", _rss_mb()))

    everything = store.history()
    rss.append((f"holding the answer of history(): {len(everything)} messages",
                _rss_mb()))
    del everything
    gc.collect()
    rss.append(("after dropping it (every segment has been read once)", _rss_mb()))
    rss.append(("peak", _peak_rss_mb()))
    store.close()
    return rss


def _rss_mb():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="where to create the stores")
    parser.add_argument("--history", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--restore", type=int, default=100_000)
    parser.add_argument(
        "--only",
        choices=["appends", "reads", "restore", "idle", "memory"],
        action="append",
    )
    args = parser.parse_args()
    only = set(args.only or ["appends", "reads", "restore", "idle", "memory"])

    with tempfile.TemporaryDirectory(dir=args.dir) as root:
        if "appends" in only:
            bench_appends(
                root, args.history, args.threads, args.processes, args.seconds
            )
        if "reads" in only:
            bench_reads(root, args.history)
        if "restore" in only:
            bench_restore(root, args.restore)
        if "idle" in only:
            bench_idle(root)
        if "memory" in only:
            bench_memory(root, args.restore)


if __name__ == "__main__":
    main()
