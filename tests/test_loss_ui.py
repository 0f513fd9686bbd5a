"""What will this schedule do to my loss (issue 18, the page): the "Predicted loss" chart,
the law chosen in one place and kept in the link, the table's columns, a fit to a run."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from app_helpers import bounds, captions, figures, link, open_app, reopen, traces, view
from streamlit.testing.v1 import AppTest

from dynweights.loss import PUBLISHED, annealing_area
from explorer import losses
from explorer.table import short

LLAMA = "cosine_with_linear_warmup:warmup_steps=2000;min_lr=3e-5;title=GPT-3 / Llama 2"
WSD = "warmup_stable_decay:warmup_steps=2000;decay_steps=100000;min_lr=3e-5;decay_shape=1-sqrt"
QUERY = {
    "units": "steps",
    "total_steps": "500000",
    "init_lr": "3e-4",
    "loss_law": "mpl-400M",
    "curve": [LLAMA, WSD],
}


def pick_law(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="w.shared.loss_law").set_value(name)
    return at.run()


def test_each_lr_curve_has_its_predicted_loss_in_its_colour() -> None:
    at = open_app(QUERY)
    assert not at.exception
    law = PUBLISHED["mpl-400M"]
    lrs = figures(at)["Learning-rate schedules"]
    loss = figures(at)["Predicted loss"]
    colours = {t["name"]: t["line"]["color"] for t in lrs["data"]}
    assert {t["name"]: t["line"]["color"] for t in loss["data"]} == colours
    for (x, y), bound in zip(traces(loss).values(), bounds(at), strict=True):
        assert bound is not None
        np.testing.assert_array_equal(y, law.predict(bound, x))
    shown = " ".join(c.replace("\\", "") for c in captions(at))
    assert "400M-parameter models" in shown
    assert "a shape, not a number" in shown


def test_the_law_is_in_the_link_and_off_removes_the_chart() -> None:
    at = pick_law(open_app(QUERY), "mpl-25M")
    assert link(at)["loss_law"] == "mpl-25M"
    again = reopen(at)
    assert view(again).shared["loss_law"] == "mpl-25M"
    law = PUBLISHED["mpl-25M"]
    (x, y) = next(iter(traces(figures(again)["Predicted loss"]).values()))
    np.testing.assert_array_equal(y, law.predict(bounds(again)[0], x))  # type: ignore[arg-type]
    at = pick_law(at, "off")
    assert "Predicted loss" not in figures(at)


def test_the_table_predicts_the_end_the_cursor_the_difference_and_s2() -> None:
    at = open_app({**QUERY, "step_cursor": "250000"})
    law = PUBLISHED["mpl-400M"]
    rows = at.table[0].value.to_dict("records")
    llama, wsd = (b for b in bounds(at) if b is not None)
    at_end = [float(law.predict(b, [500_000])[0]) for b in (llama, wsd)]
    assert rows[0]["predicted loss at the end"] == short(at_end[0])
    assert rows[1]["predicted loss at the end"] == short(at_end[1])
    assert rows[1]["vs the first curve"] == short(at_end[1] - at_end[0])
    assert rows[0]["vs the first curve"] == "0"
    cursor = float(law.predict(wsd, [250_000])[0])
    assert rows[1]["predicted loss at step 250,000"] == short(cursor)
    assert rows[1]["annealing area S2"] == short(float(annealing_area(wsd, [500_000])[0]))
    # S2 by its definition, step by step: m_i = 0.999 m_{i-1} + (eta_{i-1} - eta_i).
    rates = wsd.values(np.arange(500_001)).tolist()
    m = s2 = 0.0
    for before, now in itertools.pairwise(rates):
        m = 0.999 * m + (before - now)
        s2 += m
    assert float(annealing_area(wsd, [500_000])[0]) == pytest.approx(s2, rel=1e-9)


def run_csv(law_name: str = "mpl-100M") -> tuple[bytes, object]:
    """A run made by a published law on a cosine schedule, every step, with a little noise."""
    law = PUBLISHED[law_name]
    total = 3000
    rates = (
        3e-4
        * np.r_[
            np.linspace(0, 1, 300),
            0.5 * (1 + np.cos(np.pi * np.arange(1, total - 299) / (total - 300))),
        ]
    )
    steps = np.arange(1, total)
    noise = np.random.default_rng(0).normal(0, 2e-4, steps.size)
    loss = law.predict(rates, steps) * (1 + noise)
    text = "step,lr,loss\n" + "".join(
        f"{k},{float(rates[k])!r},{float(v)!r}\n" for k, v in zip(steps, loss, strict=True)
    )
    return text.encode(), law


def test_a_fit_to_my_run_predicts_every_curve_and_says_how_well() -> None:
    data, _ = run_csv()
    at = open_app(QUERY)
    # AppTest cannot upload a file: this is what the uploader's callback keeps of one.
    at.session_state["run.data"] = ("run.csv", data)
    at = pick_law(at.run(), "fit")
    assert not at.exception
    fitted = losses.fit_file(data)
    assert fitted.error < 0.005
    loss = figures(at)["Predicted loss"]
    names = [t["name"] for t in loss["data"]]
    assert "run: logged loss" in names
    assert "run: fitted law" in names
    x, y = traces(loss)["GPT-3 / Llama 2"]
    np.testing.assert_array_equal(y, fitted.law.predict(bounds(at)[0], x))  # type: ignore[arg-type]
    assert any("mean relative error" in c for c in captions(at))
    assert link(at)["loss_law"] == "fit"
    # The run is not in the link: a fresh page asks for it.
    again = reopen(at)
    assert "Predicted loss" not in figures(again)
    assert any("Upload a run" in c for c in captions(again))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (b"step,lr,loss\n1,3e-4,nan\n", "row 2, column `loss`"),
        (b"step,lr\n1,3e-4\n", "no `loss` column"),
        (b"step,lr,loss\n2,3e-4,3.0\n1,3e-4,2.9\n", "row 3, column `step`"),
        (b"step,lr,loss\n1,-3e-4,3.0\n", "rate must be >= 0"),
    ],
)
def test_a_bad_run_file_is_named_by_row_and_column(text: bytes, named: str) -> None:
    at = open_app(QUERY)
    at.session_state["run.data"] = ("bad.csv", text)
    at = pick_law(at.run(), "fit")
    assert not at.exception
    shown = " ".join(str(e.value).replace("\\", "") for e in at.error)
    assert named in shown
    assert "Predicted loss" not in figures(at)
