"""How many visitors one explorer server holds: rerun latency against concurrent sessions.

A benchmark, not a test (``python benchmarks/bench_capacity.py``). It starts
``streamlit run app.py`` on loopback and, for each N, opens N websocket
sessions (the page's own protocol, ``tests/browser/wsclient.py``) on the
default page. Each then edits in a loop for ``--seconds``: it types a new total
steps, which changes every curve (each value new, so nothing is served from a
cache), and waits for the run to finish before typing the next. That is a
visitor with no think time, the worst case. The table gives the median and
90th-percentile rerun latency, the reruns per second the server completed, and
the CPU it used (in cores). Capacity is the largest N whose p90 (and every smaller N's) stays
within ``--p90``, per core of the machine; the throughput gives the capacity for
visitors who think between edits (a visitor editing every ``s`` seconds costs
``1 / s`` reruns per second).
"""

from __future__ import annotations

import argparse
import os
import statistics
import string
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import StreamlitServer  # noqa: E402
from tests.browser.wsclient import Session  # noqa: E402

COUNTS = (1, 2, 4, 8, 16, 32)
TICKS = os.sysconf("SC_CLK_TCK")
MB = 2**20
ABANDONED = 20
_NAMES = [a + b for a in string.ascii_lowercase + string.digits for b in string.ascii_lowercase]


def flooding_query() -> str:
    """The link that floods the page with problems: 8 valid curves, each carrying as many
    unknown ``;xx=`` items as a curve's length allows (links.MAX_CURVE_CHARS), and 990
    unknown keys: about 9,300 notices, of which the page shows the first 20."""
    from explorer.links import MAX_CURVE_CHARS

    room = (MAX_CURVE_CHARS - len("linear:") + 1) // 4  # ";xx=" is 4 characters
    curve = "linear:" + ";".join(f"{name}=" for name in _NAMES[:room])
    pairs = [("curve", curve)] * 8 + [(f"u{k}", "") for k in range(990)]
    return urlencode(pairs)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(server: StreamlitServer, n: int, seconds: float) -> tuple[list[float], float, float]:
    """N sessions editing for ``seconds``: every rerun's latency, reruns per second, cores used."""
    sessions = [Session(server, timeout_s=600) for _ in range(n)]
    try:
        for session in sessions:
            session.open()
        latencies: list[list[float]] = [[] for _ in sessions]
        start = threading.Barrier(n + 1)
        stop = threading.Event()

        def edit(k: int) -> None:
            start.wait()
            total = 10**6 + k * 10**5  # each session's own values, each rerun a new one
            while not stop.is_set():
                total += 1
                run = sessions[k].rerun({"w.shared.total_steps": str(total)})
                latencies[k].append(run.seconds)

        threads = [threading.Thread(target=edit, args=(k,)) for k in range(n)]
        for thread in threads:
            thread.start()
        cpu_before = cpu_seconds(server.pid)
        start.wait()
        began = time.monotonic()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        cores = (cpu_seconds(server.pid) - cpu_before) / elapsed
        flat = [x for per in latencies for x in per]
        return flat, len(flat) / elapsed, cores
    finally:
        for session in sessions:
            session.close()


def abandoned(server: StreamlitServer, query: str, sessions: int) -> float:
    """MB of server memory each of ``sessions`` visitors leaves: each opens ``query`` and
    hangs up. Streamlit keeps a disconnected session for 120 s (at most 128 of them),
    so all of them are still held when the memory is read."""
    for _ in range(3):  # the code paths and caches, warmed once
        with Session(server, timeout_s=600) as session:
            session.open(query)
    before = server.rss_bytes()
    for _ in range(sessions):
        with Session(server, timeout_s=600) as session:
            session.open(query)
    return (server.rss_bytes() - before) / MB / sessions


def memory(sessions: int) -> None:
    print(f"Memory left by {sessions} abandoned sessions (server RSS growth, fresh server each)")
    print()
    print("| link | characters | MB per session |")
    print("|---|---|---|")
    for label, query in (("default page", ""), ("flooding link", flooding_query())):
        with StreamlitServer() as server:
            per = abandoned(server, query, sessions)
        print(f"| {label} | {len(query):,} | {per:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="editing time per N")
    parser.add_argument("--p90", type=float, default=1.0, help="the latency goal, in seconds")
    parser.add_argument("--counts", type=int, nargs="+", default=list(COUNTS))
    parser.add_argument(
        "--memory", action="store_true", help="only the memory an abandoned session leaves"
    )
    args = parser.parse_args()
    if args.memory:
        memory(ABANDONED)
        return
    cores = os.cpu_count() or 1
    print(f"Machine: {cores} cores; load average {os.getloadavg()[0]:.1f} at the start")
    print("Default page, each session typing a new total steps in a loop (no think time)")
    print()
    print("| sessions | reruns | median | p90 | reruns/s | server CPU (cores) |")
    print("|---|---|---|---|---|---|")
    within = previous = 0
    with StreamlitServer() as server:
        with Session(server, timeout_s=600) as warm:  # imports and caches, once
            warm.open()
        for n in args.counts:
            latencies, rate, used = measure(server, n, args.seconds)
            median = statistics.median(latencies)
            p90 = percentile(latencies, 0.9)
            if p90 <= args.p90 and within == previous:
                within = n
            previous = n
            print(
                f"| {n} | {len(latencies)} | {median:.2f} s | {p90:.2f} s | {rate:.1f} | "
                f"{used:.2f} |",
                flush=True,
            )
    print()
    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"Capacity: {within} sessions editing back to back with p90 <= {args.p90:g} s, "
        f"{within / cores:.1f} per core of this {cores}-core machine"
    )


if __name__ == "__main__":
    main()
