"""Writes the README's loss pictures in a real Chromium: ``python tools/loss_screenshots.py``.

- ``docs/screenshot-loss.png``: Llama 2's cosine against WSD with a 1-sqrt cooldown at
  500k steps, their losses predicted with the 400M model's published constants.
- ``docs/screenshot-fit.png``: a law fitted to a run. The run is synthetic, and says so
  in the README: 6,000 steps of a two-stage schedule (warmup, 3e-4, then 6e-5 from step
  4,000), its losses made by the 100M model's law with 0.3% noise (seed 1).

Needs Chromium (``CHROMIUM_PATH``, see tools/ensure_chromium.sh) and the dev requirements.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from dynweights.loss import PUBLISHED  # noqa: E402
from tests.browser.harness import StreamlitServer, launch_browser  # noqa: E402

LLAMA = "cosine_with_linear_warmup:warmup_steps=2000;min_lr=3e-5;title=GPT-3 / Llama 2"
WSD = (
    "warmup_stable_decay:warmup_steps=2000;decay_steps=100000;min_lr=3e-5;"
    "decay_shape=1-sqrt;title=WSD, 1-sqrt cooldown"
)
SHORT_COSINE = "cosine_with_linear_warmup:warmup_steps=500;min_lr=3e-5;title=Cosine to 10%"
SHORT_WSD = (
    "warmup_stable_decay:warmup_steps=500;decay_steps=1200;min_lr=3e-5;"
    "decay_shape=1-sqrt;title=WSD, 1-sqrt cooldown"
)
PREDICTED = (
    "units=steps&total_steps=500000&init_lr=3e-4&loss_law=mpl-400M"
    f"&curve={quote(LLAMA)}&curve={quote(WSD)}"
)
FITTED = (
    "units=steps&total_steps=6000&init_lr=3e-4&loss_law=fit"
    f"&curve={quote(SHORT_COSINE)}&curve={quote(SHORT_WSD)}"
)
IDLE = (
    "() => document.querySelectorAll('.js-plotly-plot').length >= 2 && "
    "document.querySelector('[data-test-script-state]')"
    "?.getAttribute('data-test-script-state') === 'notRunning'"
)
CHARTS = {"x": 0, "y": 140, "width": 1400}


def synthetic_run(path: Path) -> None:
    law = PUBLISHED["mpl-100M"]
    rates = np.r_[np.linspace(0, 3e-4, 500), np.full(3500, 3e-4), np.full(2001, 6e-5)]
    steps = np.arange(1, 6001)
    noise = np.random.default_rng(1).normal(0, 3e-3, steps.size)
    losses = law.predict(rates, steps) * (1 + noise)
    rows = (f"{k},{float(rates[k])!r},{float(v)!r}\n" for k, v in zip(steps, losses, strict=True))
    path.write_text("step,lr,loss\n" + "".join(rows))


def settle(page: Page) -> None:
    page.wait_for_function(IDLE, timeout=180_000)
    page.wait_for_timeout(1500)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, StreamlitServer() as server:
        run = Path(scratch) / "run.csv"
        synthetic_run(run)
        with sync_playwright() as playwright:
            browser = launch_browser(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"{server.url}?{PREDICTED}")
            settle(page)
            page.screenshot(
                path=str(ROOT / "docs/screenshot-loss.png"), clip={**CHARTS, "height": 700}
            )
            page.goto(f"{server.url}?{FITTED}")
            page.locator("summary", has_text="Fit to my run").click()
            page.locator("input[type=file]").first.set_input_files(str(run))
            page.wait_for_function(
                "() => document.body.innerText.includes('mean relative error')", timeout=180_000
            )
            settle(page)
            page.screenshot(
                path=str(ROOT / "docs/screenshot-fit.png"), clip={**CHARTS, "height": 760}
            )
            browser.close()


if __name__ == "__main__":
    main()
