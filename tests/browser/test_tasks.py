"""Three tasks people come with, done in Chromium as a person would, interactions counted.

An interaction is one click, or one field's key presses ending with Enter (see
``harness.User``); a select box is two (open it, pick). Each test asserts the
count it took and the goal it must stay within, and checks the drawn curves
against ``dynweights`` itself, called with the values the task is about.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

import dynweights
from dynweights import Bound

from .harness import StreamlitServer, User, chart_labels, read_plots, wait_for_traces

pytestmark = pytest.mark.browser


def fresh_page(page: Page, server: StreamlitServer) -> User:
    page.goto(server.url)
    wait_for_traces(page, sum(map(len, chart_labels())))
    return User(page)


def traces(page: Page) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for chart in read_plots(page) for t in chart}


def assert_draws(trace: dict[str, Any], expected: Bound) -> None:
    x = np.asarray(trace["x"], dtype=np.int64)
    assert x[-1] == expected.total_steps
    np.testing.assert_array_equal(np.asarray(trace["y"]), expected.values(x))


def report(task: str, user: User, goal: int) -> None:
    print(f"\n{task}: {user.interactions} interactions (goal <= {goal})")


def test_llama2_against_wsd_with_a_1_sqrt_cooldown(page: Page, server: StreamlitServer) -> None:
    """From the default page: Llama 2's published schedule against warmup-stable-decay
    with a 1-sqrt cooldown, at Llama 2's 500k steps and 3e-4 peak."""
    user = fresh_page(page, server)
    user.click(page.get_by_role("button", name="Clear all"))
    # On an empty page the preset's 500k steps and 3e-4 peak become the shared ones.
    user.choose("Add a published schedule", "GPT-3 / Llama 2: warmup, cosine to 10%")
    user.choose("Add a curve", "Warmup-stable-decay")  # its editor opens
    decay_shape = page.get_by_role("radiogroup", name="Decay shape")
    user.click(decay_shape.get_by_role("radio", name="1-sqrt"))
    report("Llama 2 against WSD with a 1-sqrt cooldown", user, 6)
    assert user.interactions == 6

    drawn = traces(page)
    assert list(drawn) == ["GPT-3 / Llama 2", "Warmup-stable-decay"]
    assert_draws(
        drawn["GPT-3 / Llama 2"],
        dynweights.schedule(
            "cosine_with_linear_warmup",
            total_steps=500_000,
            warmup_steps=2_000,
            init_lr=3e-4,
            min_lr=3e-5,
        ),
    )
    # The new curve keeps its family's shape as fractions of the run: a tenth warming
    # up (10 of 100 steps), the last fifth decaying (20 of 100).
    wsd = drawn["Warmup-stable-decay"]
    assert_draws(
        wsd,
        dynweights.schedule(
            "warmup_stable_decay",
            total_steps=500_000,
            warmup_steps=50_000,
            decay_steps=100_000,
            init_lr=3e-4,
            decay_shape="1-sqrt",
        ),
    )
    assert max(wsd["y"]) == 3e-4
    query = parse_qs(urlsplit(page.url).query)
    assert query["total_steps"] == ["500000"]
    assert query["init_lr"] == ["3e-4"]


def test_kl_warmup_against_cyclical_annealing(page: Page, server: StreamlitServer) -> None:
    """From the default page: a VAE's KL weight warmed up linearly over 10,000 steps to 1,
    against cyclical annealing (Fu et al. 2019: 4 cycles, each ramping over its first
    half) over the same 10,000 steps, on one chart."""
    user = fresh_page(page, server)
    user.click(page.get_by_role("button", name="Clear all"))
    # On an empty page the preset's T = 10,000 and max weight 1 become the shared ones.
    user.choose("Add a published schedule", "VAE: cyclical KL annealing")
    user.choose("Add a curve", "Linear")  # follows the shared 10,000 steps
    report("A 10k-step KL warmup against cyclical annealing", user, 5)
    assert user.interactions == 5

    (weights,) = read_plots(page)  # no learning rate: the one chart, full width
    drawn = {t["name"]: t for t in weights}
    assert list(drawn) == ["VAE", "Linear"]
    assert_draws(
        drawn["VAE"],
        dynweights.schedule(
            "cyclical_annealing", total_steps=10_000, max_weight=1.0, cycles=4, ramp_ratio=0.5
        ),
    )
    assert_draws(drawn["Linear"], dynweights.schedule("linear", total_steps=10_000))
    assert drawn["Linear"]["y"][-1] == 1.0


def shown_phases(grid: Locator, total: int) -> list[dict[str, Any]]:
    """The phases the editor shows, read from its cells as a person reads them; lengths
    are fractions of ``total`` steps, which must come out whole."""
    titles = [str(t).strip() for t in grid.locator("th[role=columnheader]").all_text_contents()]
    assert titles == ["", "shape", "length (fraction of T)", "start", "end", "power"]
    rows = []
    for row in range(grid.locator("tbody tr").count()):
        cells = {
            title: grid.get_by_test_id(f"glide-cell-{col}-{row}").text_content() or ""
            for col, title in enumerate(titles, 1)
            if title
        }
        steps = Fraction(cells["length (fraction of T)"]) * total
        assert steps.denominator == 1, cells
        start = float(cells["start"])
        end = float(cells["end"]) if cells["end"] else start  # a constant may leave it blank
        rows.append({"shape": cells["shape"], "steps": int(steps), "start": start, "end": end})
    return rows


def test_a_warmup_constant_cosine_custom_schedule(page: Page, server: StreamlitServer) -> None:
    """From the default page (T = 100, peak 0.1): a custom schedule of a linear warmup,
    a constant stretch and a cosine decay, its decay ending at 1e-5 instead of 0."""
    user = fresh_page(page, server)
    user.choose("Add a curve", "Warmup-stable-decay")  # decays as a cosine by default
    user.click(page.get_by_role("button", name="Make custom"))
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.locator("tbody tr")).to_have_count(3)
    user.edit_cell(grid, 2, "end", "1e-5")
    report("A warmup/constant/cosine custom schedule", user, 10)
    assert user.interactions == 5

    expect(grid.get_by_test_id("glide-cell-5-2")).to_have_text("1e-5")
    phases = shown_phases(grid, 100)
    assert [p["shape"] for p in phases] == ["linear", "constant", "cosine"]
    assert phases[2]["end"] == 1e-5
    custom = traces(page)["Custom phases"]
    assert_draws(custom, dynweights.phases(phases))
    assert custom["y"][-1] == 1e-5
