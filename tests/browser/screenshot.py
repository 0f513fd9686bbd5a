"""Writes the README's screenshots in a real Chromium: ``make screenshot``.

``docs/screenshot.png`` is the default view with the peak LR at 3e-4;
``docs/screenshot-compare.png`` compares Llama 2's schedule with warmup-stable-decay
at 500k steps; ``docs/screenshot-phone.png`` is the default view 390 px wide.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__:
    from .harness import REPO_ROOT, StreamlitServer, launch_browser
else:  # run as a script: make the repository importable first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.browser.harness import REPO_ROOT, StreamlitServer, launch_browser

from playwright.sync_api import sync_playwright

DOCS = REPO_ROOT / "docs"
LLAMA = "cosine_with_linear_warmup:warmup_steps=0.004;min_lr=3e-5"
SHOTS = {
    "screenshot.png": ("units=fraction&init_lr=3e-4", (1400, 1000)),
    "screenshot-compare.png": (
        f"units=fraction&total_steps=500000&init_lr=3e-4&curve={LLAMA}"
        "&curve=warmup_stable_decay:min_lr=3e-5&curve=warmup_stable_decay:decay_shape=1-sqrt;min_lr=3e-5",
        (1400, 1500),
    ),
    "screenshot-phone.png": ("units=fraction&init_lr=3e-4", (390, 2400)),
}


def main(extra: dict[str, tuple[str, tuple[int, int]]] | None = None) -> list[Path]:
    written = []
    with StreamlitServer() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            for name, (query, (width, height)) in {**SHOTS, **(extra or {})}.items():
                # Streamlit scrolls inside its own container, so the viewport is the picture.
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{server.url}?{query}")
                page.wait_for_function(
                    "() => document.querySelectorAll('.js-plotly-plot').length === 2"
                    " && document.querySelector('[data-test-script-state]')"
                    "?.getAttribute('data-test-script-state') === 'notRunning'"
                )
                page.wait_for_timeout(1500)
                page.evaluate("() => document.fonts.ready.then(() => true)")
                path = DOCS / name
                page.screenshot(path=str(path))
                written.append(path)
                page.close()
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    shots = dict(SHOTS)
    if "--scales" in sys.argv:
        for total in (100, 500_000, 10**9):
            shots[f"/tmp/scale-{total}.png"] = (
                f"units=fraction&init_lr=3e-4&total_steps={total}",
                (1400, 1000),
            )
        print(main({k: v for k, v in shots.items() if k.startswith("/tmp")}))
    else:
        print(main())
