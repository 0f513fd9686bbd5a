"""The public demo under abuse: the worst paste does not stall a real server.

A visitor pastes a YAML billion laughs (9 levels of 9 aliases, 9**9 values for
whatever walks it) into the paste box of a running ``streamlit run`` and clicks
"Add its schedule". Meanwhile the server keeps answering its health check, and
another visitor's edits take about as long as they did before the paste. The
hostile visitor is told why nothing was added, and their charts still draw.

Everything goes through the page's own websocket (``wsclient.Session``), as
the frontend sends it: the text area's text and the button's click are widget
states of one ``rerun_script``.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

from .harness import StreamlitServer
from .wsclient import Session, same_charts

LEVELS = 9
# Every health answer within this; the other visitor's median rerun no slower than this.
MAX_HEALTH_S = 1.0
MAX_DELAY_S = 1.0
POLL_S = 0.1
MARGIN_S = 0.5  # polling goes on this long after the paste's run finished
RERUNS = 5
RERUN_TIMEOUT_S = 20.0
PASTE_TIMEOUT_S = 60.0


def billion_laughs() -> str:
    """9 levels of 9 aliases ending in ``learning_rate: *a8``: 9**9 strings once expanded."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, LEVELS)]
    return "\n".join([*lines, f"learning_rate: *a{LEVELS - 1}"]) + "\n"


@contextmanager
def health_polled(server: StreamlitServer) -> Iterator[list[float]]:
    """Polls ``/_stcore/health`` every ``POLL_S`` from a thread; yields the answers' latencies.

    An answer that is not ``ok`` within 10 s counts as 10 s.
    """
    latencies: list[float] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{server.url}_stcore/health", timeout=10) as answer:
                    ok = answer.read().decode().strip() == "ok"
            except OSError:
                ok = False
            latencies.append(time.monotonic() - started if ok else 10.0)
            done.wait(POLL_S)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield latencies
    finally:
        done.set()
        thread.join()


def typed_reruns(session: Session, totals: Iterator[int], count: int) -> list[float]:
    """``count`` runs that each type a new total steps, changing every curve: their seconds.

    A run that does not finish within the session's timeout counts as infinitely
    long, and ends the series (the server stalled).
    """
    seconds: list[float] = []
    for _ in range(count):
        try:
            seconds.append(session.rerun({"w.shared.total_steps": str(next(totals))}).seconds)
        except TimeoutError:
            seconds.append(math.inf)
            break
    return seconds


def test_a_billion_laughs_paste_does_not_stall_the_server(server: StreamlitServer) -> None:
    text = billion_laughs()
    assert len(text) <= 462  # the worst paste
    totals = iter(range(10_000, 0, -1))  # each new, so no run is served from a cache
    with (
        Session(server, timeout_s=PASTE_TIMEOUT_S) as hostile,
        Session(server, timeout_s=RERUN_TIMEOUT_S) as other,
        ThreadPoolExecutor(1) as pool,
    ):
        opened = hostile.open()
        assert len(opened.charts()) == 2  # the default page's charts
        other.open()
        typed_reruns(other, totals, 2)  # warm
        with health_polled(server) as latencies:
            baseline = typed_reruns(other, totals, RERUNS)
            paste = pool.submit(hostile.rerun, {"paste.text": text, "paste.add": True})
            during = typed_reruns(other, totals, RERUNS)
            wait([paste])
            time.sleep(MARGIN_S)
        print(
            f"\nhealth: {len(latencies)} answers, slowest {max(latencies) * 1e3:.0f} ms; "
            f"the other visitor's typed reruns: median {statistics.median(baseline):.3f} s "
            f"before, {statistics.median(during):.3f} s during the paste"
        )
        assert len(latencies) >= RERUNS
        assert max(latencies) < MAX_HEALTH_S
        assert statistics.median(during) - statistics.median(baseline) < MAX_DELAY_S
        run = paste.result()  # raises if the paste's run failed or did not finish
    print(f"the paste's run: {run.seconds:.3f} s")

    alerts = run.alerts()
    assert len(alerts) == 1
    assert alerts[0].startswith("Not added, the curves are unchanged")
    assert "aliases are not read" in alerts[0]
    # Its charts still draw, the same curves as before the paste.
    assert same_charts(run.charts(), opened.charts())
    assert all(traces for traces in run.charts().values())
