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

from .harness import (
    StreamlitServer,
    User,
    chart_labels,
    plot_traces,
    read_plots,
    wait_for_traces,
)

pytestmark = pytest.mark.browser

TRACES = sum(map(len, chart_labels()))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


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
    user = User(page)
    field = page.get_by_role("textbox", name="Peak LR (shared)")
    user.type(field, "3E-4")
    assert query_of(page.url)["init_lr"] == ["3e-4"]
    # Refused: the field says why and what it keeps; the view and its link are unchanged.
    refused = page.get_by_text(re.compile(r"Peak LR: .abc. .*keeping .3e-4"))
    user.type(field, "abc", until=lambda: expect(refused).to_be_visible())
    assert query_of(page.url)["init_lr"] == ["3e-4"]
    fresh = new_page()
    fresh.goto(page.url)
    wait_for_traces(fresh, TRACES)
    lrs = read_plots(fresh)[1]
    assert max(max(t["y"]) for t in lrs) == 3e-4
    expect(fresh.get_by_role("textbox", name="Peak LR (shared)")).to_have_value("3e-4")


def test_typed_numbers_arrive_as_written(page: Page, server: StreamlitServer) -> None:
    """``5e5`` in an integer field is 500000, ``3E-4`` is 3e-4, ``1e-3`` in a phase cell
    is 0.001: through the shared fields and the phases editor, into the link and the
    drawn curves."""
    page.goto(f"{server.url}?units=fraction&curve=linear_with_warmup")
    wait_for_traces(page, 1)
    user = User(page)
    total = page.get_by_role("textbox", name="Total steps (shared)")
    user.type(total, "5e5")
    assert query_of(page.url)["total_steps"] == ["500000"]
    (lr,) = read_plots(page)[0]
    assert lr["x"][0] == 0
    assert lr["x"][-1] == 500_000
    expect(total).to_have_value("5e5")  # what was typed stays, and nothing is refused
    expect(page.get_by_text("T=500,000 (shared)")).to_be_visible()
    user.type(page.get_by_role("textbox", name="Peak LR (shared)"), "3E-4")
    assert query_of(page.url)["init_lr"] == ["3e-4"]
    (lr,) = read_plots(page)[0]
    # Lengths in fractions: the default warmup is a tenth of the run, 10 of 100 steps.
    expected = dynweights.schedule(
        "linear_with_warmup", total_steps=500_000, warmup_steps=50_000, init_lr=3e-4
    )
    np.testing.assert_array_equal(lr["y"], expected.values(np.asarray(lr["x"], dtype=np.int64)))

    user.choose("Add a curve", "Custom phases")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.get_by_test_id("glide-cell-5-0")).to_have_text("3e-4")  # the shared peak
    user.edit_cell(grid, 0, "end", "1e-3")
    expect(grid.get_by_test_id("glide-cell-5-0")).to_have_text("0.001")
    assert query_of(page.url)["curve"] == ["linear_with_warmup", "phases:linear,1,0,0.001"]
    custom = read_plots(page)[0][1]
    assert custom["name"] == "Custom phases"
    phase = {"shape": "linear", "steps": 500_000, "start": 0.0, "end": 0.001}
    x = np.asarray(custom["x"], dtype=np.int64)
    np.testing.assert_array_equal(custom["y"], dynweights.phases([phase]).values(x))
    assert custom["y"][-1] == 0.001


def test_nine_curve_link_keeps_eight(page: Page, server: StreamlitServer) -> None:
    page.goto(f"{server.url}?units=steps" + "&curve=linear" * 9)
    wait_for_traces(page, 8)
    expect(page.get_by_text("kept the first 8")).to_be_visible()


def test_custom_phases_link_draws_exactly_and_bad_rows_are_named(
    page: Page, server: StreamlitServer
) -> None:
    good = "phases:linear,2000,0,3e-4|cosine,498000,3e-4,3e-5"
    blank = "phases:linear,10,0,1|linear,5,1,"
    zero = "phases:linear,10,0,1|cosine,0,1,0"
    page.goto(f"{server.url}?units=steps&curve=linear&curve={good}&curve={blank}&curve={zero}")
    wait_for_traces(page, 2)
    # A phase of no steps is refused at the door, with a notice naming it.
    expect(
        page.get_by_text(re.compile(r"phase 2: length: 0 must be a whole number of steps \S+ 1"))
    ).to_be_visible()
    # A blank end is kept, as the link wrote it; the curve is not drawn and its row says why.
    why = "phase row 2: end (only a constant phase may leave it blank) is blank"
    expect(page.get_by_text(f"not drawn: {why}")).to_be_visible()
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
    assert query_of(page.url)["curve"] == ["linear", good, blank]
    # Its editor marks the row too.
    marked = page.get_by_role("alert").get_by_text(why)
    User(page).click(
        page.get_by_role("button", name="Edit").nth(2),
        until=lambda: expect(marked).to_be_visible(),
    )
