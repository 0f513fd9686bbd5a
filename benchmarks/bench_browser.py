"""End-to-end speed in Chromium: type a new total, press Enter, wait for the page.

``make bench-browser`` runs it. For each page it starts ``streamlit run`` on a
loopback port, opens it in the system Chromium (Playwright, ``CHROMIUM_PATH``),
and times INTERACTIONS edits of the "Total steps" input: from the Enter key until
every chart ends at the new total, the script is idle and two animation frames
have passed, so the new charts are painted. It first counts the elements and
blocks one run of each page sends (AppTest). The explorer and the bare page (``bare_page.py``, the
same number of curves and points and nothing else) are measured side by side in
one run; only their ratio is worth comparing across machines. Nothing here is a
test: no timing is asserted anywhere.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

from harness import StreamlitServer, launch_browser  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

INTERACTIONS = 12
ROUNDS = 3  # INTERACTIONS edits per page, in this many alternating rounds
LABEL = "Total steps"
# The explorer's input says it is shared by every curve.
EXPLORER_LABEL = "Total steps (shared)"


def _settle(page: Page) -> None:
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(500)


_DRAWN = """(total) => {
    const last = (a) => {
        const v = a && a._inputArray ? a._inputArray : a;
        return v[v.length - 1];
    };
    const state = document.querySelector('[data-test-script-state]');
    if (!state || state.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return plots.length > 0 && plots.every((el) =>
        (el.data || []).length > 0 && el.data.every((t) => Number(last(t.x)) === total));
}"""
_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def edit_times(
    page: Page, url: str, totals: tuple[int, int], edits: int, label: str = LABEL
) -> list[list[float]]:
    """ms per edit: from the Enter key until every chart ends at the new total, the
    script is idle and two animation frames have passed (the new charts painted).

    The page is loaded fresh and one more edit warms it up first. Timed from Python,
    the same way for both pages: Playwright's round trips count on both sides.
    """
    page.goto(url)
    _settle(page)
    box = page.get_by_label(label, exact=True).first
    times = []
    for i in range(edits + 1):
        value = totals[i % 2]
        if box.input_value() == str(value):
            value = totals[(i + 1) % 2]
        box.fill(str(value))
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(_DRAWN, arg=value, timeout=120_000, polling="raf")
        page.evaluate(_FRAMES)
        if i:
            times.append([(time.perf_counter() - start) * 1e3])
        page.wait_for_timeout(150)
    return times


def median_pair(
    page: Page, pages: tuple[str, str], totals: tuple[int, int]
) -> tuple[list[float], list[float]]:
    """Medians of (explorer, bare page): the total, then each phase.

    The machine is shared: alternating ROUNDS times keeps a slow minute from
    landing on one side of the ratio only.
    """
    ours: list[list[float]] = []
    base: list[list[float]] = []
    for _ in range(ROUNDS):
        ours += edit_times(page, pages[0], totals, INTERACTIONS // ROUNDS, EXPLORER_LABEL)
        base += edit_times(page, pages[1], totals, INTERACTIONS // ROUNDS)
    return _medians(ours), _medians(base)


def _medians(rows: list[list[float]]) -> list[float]:
    return [statistics.median(column) for column in zip(*rows, strict=True)]


def element_count(script: Path, query: str) -> int:
    """Elements and blocks one run of ``script`` sends, counted in AppTest."""
    from urllib.parse import parse_qs

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    for key, values in parse_qs(query).items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()

    def count(node: object) -> int:
        children = getattr(node, "children", {})
        return 1 + sum(count(child) for child in children.values())

    return count(at.main) - 1


def main(cases: list[tuple[str, str, str]]) -> None:
    """``cases``: (row name, explorer query, bare-page query)."""
    print("Elements and blocks sent by one run (AppTest):")
    print("| view | bare page | explorer |")
    print("|---|---|---|")
    for name, explorer_query, bare_query in cases:
        bare_count = element_count(ROOT / "benchmarks" / "bare_page.py", bare_query)
        print(f"| {name} | {bare_count} | {element_count(ROOT / 'app.py', explorer_query)} |")
    print()
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, Chromium")
    print(
        f"{INTERACTIONS} edits of '{LABEL}' per cell, in {ROUNDS} alternating rounds; "
        "median ms from Enter to painted."
    )
    print()
    print("| view | T | bare page | explorer | ratio |")
    print("|---|---|---|---|---|")
    with (
        StreamlitServer() as app,
        StreamlitServer(ROOT / "benchmarks" / "bare_page.py") as bare,
        sync_playwright() as playwright,
    ):
        browser = launch_browser(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for name, explorer_query, bare_query in cases:
            for totals in ((1_000, 1_001), (10**9, 10**9 - 1)):
                ours, base = median_pair(
                    page, (f"{app.url}?{explorer_query}", f"{bare.url}?{bare_query}"), totals
                )
                print(
                    f"| {name} | {totals[0]:,} | {base[0]:.0f} ms | {ours[0]:.0f} ms | "
                    f"{ours[0] / base[0]:.2f}x |"
                )
        browser.close()


def _cases() -> list[tuple[str, str, str]]:
    spec = json.loads((ROOT / "benchmarks" / "browser_views.json").read_text())
    return [(v["name"], urlencode(v["explorer"], doseq=True), urlencode(v["bare"])) for v in spec]


if __name__ == "__main__":
    # Optional view names limit the run: `bench_browser.py "default view"`.
    main([c for c in _cases() if not sys.argv[1:] or c[0] in sys.argv[1:]])
