"""What only a real browser shows: rendering, the URL as state, typed input, notices.

Each test drives the system Chromium against ``streamlit run app.py`` on a free
loopback port (see ``harness.py``) and checks values, not just that nothing broke.
The ``new_page`` fixture fails any test whose pages log a console error, throw,
or open a dialog.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Page, expect

import dynweights

from .harness import StreamlitServer, chart_labels, plot_traces, read_plots, wait_for_traces

pytestmark = pytest.mark.browser

TRACES = sum(map(len, chart_labels()))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def wait_idle(page: Page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-test-script-state]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'"
    )


def open_select(page: Page, name: str) -> None:
    """Scroll a select box into view, then click it: one interaction.

    Clicked while off screen, the box opens during Playwright's own scroll and
    closes again at once (measured: 0 of 4 such clicks opened it, 4 of 4 after
    scrolling first). A person scrolls before clicking, too.
    """
    box = page.get_by_role("combobox", name=name)
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box.click()
    expect(box).to_have_attribute("aria-expanded", "true")


def settle(page: Page) -> None:
    """As a person would: click once the page has stopped rerunning.

    A rerun that starts while a select box is open redraws it closed; the page
    rewrites its URL after the first run, which can start one more rerun.
    """
    wait_idle(page)
    page.wait_for_timeout(500)
    wait_idle(page)


def test_default_page_draws_the_default_curves(page: Page, server: StreamlitServer) -> None:
    page.goto(server.url)
    wait_for_traces(page, TRACES)
    assert plot_traces(page) == [len(labels) for labels in chart_labels()]
    plots = read_plots(page)
    assert [[t["name"] for t in chart] for chart in plots] == chart_labels()
    page.wait_for_function("() => location.search.includes('units=fraction')")


def test_old_readme_link_migrates_in_the_browser(page: Page, server: StreamlitServer) -> None:
    page.goto(f"{server.url}?total_steps=1000&max_weight=2.5&lrs=Cosine+annealing")
    wait_for_traces(page, 5)
    (weights, lrs) = read_plots(page)
    assert [t["name"] for t in lrs] == ["Cosine annealing"]
    y = np.asarray(weights[0]["y"])
    assert y[-1] == 2.5
    page.wait_for_function("() => location.search.includes('units=steps')")
    assert query_of(page.url)["curve"][-1] == "cosine_annealing"


def test_typed_lr_rewrites_the_link_and_a_fresh_browser_restores_it(
    new_page: Callable[[], Page], server: StreamlitServer
) -> None:
    page = new_page()
    page.goto(server.url)
    wait_for_traces(page, TRACES)
    field = page.get_by_role("textbox", name="Peak LR (shared), exact")
    field.fill("3E-4")
    field.press("Enter")
    page.wait_for_function("() => location.search.includes('init_lr=3e-4')")
    wait_idle(page)
    bad = page.get_by_role("textbox", name="Peak LR (shared), exact")
    bad.fill("abc")
    bad.press("Enter")
    expect(page.get_by_text("keeping 3e-4")).to_be_visible()
    fresh = new_page()
    fresh.goto(page.url)
    wait_for_traces(fresh, TRACES)
    lrs = read_plots(fresh)[1]
    assert max(max(t["y"]) for t in lrs) == 3e-4


def test_nine_curve_link_keeps_eight(page: Page, server: StreamlitServer) -> None:
    page.goto(f"{server.url}?units=steps" + "&curve=linear" * 9)
    wait_for_traces(page, 8)
    expect(page.get_by_text("kept the first 8")).to_be_visible()


def test_llama2_against_wsd_in_few_interactions(page: Page, server: StreamlitServer) -> None:
    """The issue's task, counted: every click, key press or fill is one interaction."""
    page.goto(server.url)
    wait_for_traces(page, TRACES)
    settle(page)
    interactions = 0
    open_select(page, "Add a published schedule")
    interactions += 1
    page.get_by_role("option", name="GPT-3 / Llama 2: warmup, cosine to 10%").click()
    interactions += 1
    wait_for_traces(page, TRACES + 1)
    settle(page)
    open_select(page, "Add a curve")
    interactions += 1
    page.get_by_role("option", name="Warmup-stable-decay", exact=False).first.click()
    interactions += 1
    wait_for_traces(page, TRACES + 2)
    wait_idle(page)
    lrs = {t["name"]: t for t in read_plots(page)[1]}
    # The default curve's warmup starts at 1e-6, the preset's at 0: the label says both.
    llama = lrs["Cosine with linear warmup (warmup_steps=0.004, warmup_lr=0, min_lr=3e-5)"]
    expected = dynweights.schedule(
        "cosine_with_linear_warmup",
        total_steps=500_000,
        warmup_steps=2_000,
        init_lr=3e-4,
        min_lr=3e-5,
    )
    x = np.asarray(llama["x"], dtype=np.int64)
    np.testing.assert_array_equal(np.asarray(llama["y"]), expected.values(x))
    wsd = next(t for name, t in lrs.items() if name.startswith("Warmup-stable-decay"))
    assert max(wsd["y"]) == 3e-4
    assert max(wsd["x"]) == 500_000
    assert interactions == 4


def test_custom_phases_link_draws_exactly_and_a_bad_row_is_marked(
    page: Page, server: StreamlitServer
) -> None:
    good = "phases:linear,2000,0,3e-4|cosine,498000,3e-4,3e-5"
    bad = "phases:linear,10,0,1|cosine,0,1,0"
    page.goto(f"{server.url}?units=steps&curve=linear&curve={good}&curve={bad}")
    wait_for_traces(page, 2)
    # Markdown shows ">=" as "≥".
    expect(
        page.get_by_text(re.compile(r"Phase row 1: steps must be an integer \S+ 1, got 0"))
    ).to_be_visible()
    weights, lrs = read_plots(page)
    assert [t["name"] for t in weights] == ["Linear"]
    (custom,) = lrs
    expected = dynweights.phases(
        [
            {"shape": "linear", "steps": 2000, "start": 0.0, "end": 3e-4},
            {"shape": "cosine", "steps": 498_000, "start": 3e-4, "end": 3e-5},
        ]
    )
    x = np.asarray(custom["x"], dtype=np.int64)
    np.testing.assert_array_equal(np.asarray(custom["y"]), expected.values(x))
    page.wait_for_function("() => location.search.includes('units=steps')")
    assert query_of(page.url)["curve"] == ["linear", good, bad]
