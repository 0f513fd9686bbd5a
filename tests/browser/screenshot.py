"""Writes the README's screenshots in a real Chromium: ``make screenshot``.

``docs/screenshot.png`` is the default view with the peak LR at 3e-4;
``docs/screenshot-compare.png`` compares Llama 2's published schedule with
warmup-stable-decay (cosine and 1-sqrt cooldowns) at 500k steps, the WSD editor open;
``docs/screenshot-phone.png`` is the default view 390 px wide.

``--scales DIR`` writes instead the default view at T = 100, 500,000 and 10^9 (peak
3e-4), wide and 390 px wide, into DIR, to look at by eye.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

if __package__:
    from .harness import REPO_ROOT, StreamlitServer, launch_browser, settle
else:  # run as a script: make the repository importable first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.browser.harness import REPO_ROOT, StreamlitServer, launch_browser, settle

from playwright.sync_api import sync_playwright

DOCS = REPO_ROOT / "docs"
WIDE = (1400, 1000)
PHONE = (390, 2400)
LLAMA = "cosine_with_linear_warmup:warmup_steps=0.004;min_lr=3e-5;title=" + quote("GPT-3 / Llama 2")
COMPARE = (
    f"units=fraction&total_steps=500000&init_lr=3e-4&curve={LLAMA}"
    "&curve=warmup_stable_decay:min_lr=3e-5"
    "&curve=warmup_stable_decay:decay_shape=1-sqrt;min_lr=3e-5"
)
# name: (query, viewport, the curve whose editor is open, counted from 0, or None)
Shot = tuple[str, tuple[int, int], int | None]
SHOTS: dict[str, Shot] = {
    "screenshot.png": ("units=fraction&init_lr=3e-4", WIDE, None),
    "screenshot-compare.png": (COMPARE, (1400, 1500), 2),
    "screenshot-phone.png": ("units=fraction&init_lr=3e-4", PHONE, None),
}


def scale_shots() -> dict[str, Shot]:
    shots: dict[str, Shot] = {}
    for total in (100, 500_000, 10**9):
        query = f"units=fraction&init_lr=3e-4&total_steps={total}"
        shots[f"scale-{total}.png"] = (query, WIDE, None)
        shots[f"scale-{total}-phone.png"] = (query, PHONE, None)
    shots["compare-phone.png"] = (COMPARE, PHONE, 2)
    return shots


def main(shots: dict[str, Shot], out: Path) -> list[Path]:
    written = []
    out.mkdir(parents=True, exist_ok=True)
    with StreamlitServer() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            for name, (query, (width, height), editor) in shots.items():
                # Streamlit scrolls inside its own container, so the viewport is the picture.
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{server.url}?{query}")
                settle(page)
                if editor is not None:
                    page.get_by_role("button", name="Edit").nth(editor).click()
                    page.get_by_role("button", name="Make custom").wait_for()
                    settle(page)
                path = out / name
                page.screenshot(path=str(path))
                written.append(path)
                page.close()
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    if "--scales" in sys.argv:
        print(main(scale_shots(), Path(sys.argv[sys.argv.index("--scales") + 1])))
    else:
        print(main(SHOTS, DOCS))
