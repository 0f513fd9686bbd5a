"""Writes docs/screenshot.png: the explorer in a real Chromium, as the README shows it.

Run with ``make screenshot`` (or ``python tests/browser/screenshot.py``). It
uses the browser tests' harness: ``streamlit run`` on a free loopback port and
the Chromium that ``CHROMIUM_PATH`` names.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

if __package__:
    from .harness import (
        REPO_ROOT,
        StreamlitServer,
        chart_labels,
        launch_browser,
        wait_for_traces,
    )
else:  # run as a script: make the repository importable first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.browser.harness import (
        REPO_ROOT,
        StreamlitServer,
        chart_labels,
        launch_browser,
        wait_for_traces,
    )

from playwright.sync_api import sync_playwright

OUTPUT = REPO_ROOT / "docs" / "screenshot.png"
# A view where every curve has a shape worth seeing: a visible warmup,
# restarts that lengthen, and a floor above zero.
VIEW = {"total_steps": 1000, "warmup_steps": 50, "cycle_mult": 2, "min_lr": 0.01}
VIEWPORT = {"width": 1400, "height": 1000}
TRACES = sum(map(len, chart_labels()))


def main(output: Path = OUTPUT) -> Path:
    with StreamlitServer() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.goto(f"{server.url}?{urlencode(VIEW)}")
            wait_for_traces(page, TRACES)
            # Plotly draws the lines after its data is set; wait for the paths too.
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length"
                f" === {TRACES}"
            )
            page.evaluate("() => document.fonts.ready.then(() => true)")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output), full_page=True)
        finally:
            browser.close()
    return output


if __name__ == "__main__":
    print(main())
