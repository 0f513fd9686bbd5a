"""The explorer tells the truth: one test per defect a new user met, driven in AppTest.

Each test does what the user did, through the page's own widgets, and compares the
drawn lines with ``dynweights`` called directly with the values the user asked for.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re

import numpy as np
import pytest
from app_helpers import (
    add_family,
    add_preset,
    bounds,
    captions,
    clear_all,
    click,
    download,
    errors,
    figures,
    link,
    link_notices,
    open_app,
    paste,
    pick_param,
    record_downloads,
    reopen,
    switch_units,
    traces,
    type_param,
    type_shared,
    type_text,
    view,
)

import dynweights
from explorer import curves as cv
from explorer.table import short

LLAMA2 = dynweights.schedule(
    "cosine_with_linear_warmup", total_steps=500_000, warmup_steps=2_000, init_lr=3e-4, min_lr=3e-5
)


def lr_lines(at: object) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return traces(figures(at)["Learning-rate schedules"])  # type: ignore[arg-type]


# 1. A preset keeps its own values when another is added.
def test_presets_do_not_rewrite_each_other() -> None:
    at = add_preset(open_app(), "llama2")
    at = add_preset(at, "minicpm_wsd")
    at = add_preset(at, "bert")
    at = add_preset(at, "one_cycle")
    assert not at.exception
    got = bounds(at)
    assert got[4] == LLAMA2
    assert got[5] is not None
    assert got[5].params["init_lr"] == 0.01
    assert got[6] is not None
    assert got[6].params["init_lr"] == 1e-4
    assert got[7] is not None
    assert got[7].params["init_lr"] == 0.4
    # The default curves still follow the untouched shared settings.
    assert view(at).shared["total_steps"] == 100
    assert got[2] is not None
    assert got[2].total_steps == 100
    x, y = lr_lines(at)["GPT-3 / Llama 2"]
    np.testing.assert_array_equal(y[x <= LLAMA2.total_steps], LLAMA2.values(x[x <= 500_000]))


# 2. Numbers arrive as typed.
@pytest.mark.parametrize(
    ("typed", "steps"), [("5e5", 500_000), ("1e9", 10**9), ("500000", 500_000)]
)
def test_total_steps_reads_numbers_as_people_write_them(typed: str, steps: int) -> None:
    at = type_shared(open_app(), "total_steps", typed)
    assert not at.exception
    assert view(at).shared["total_steps"] == steps
    assert all(b is not None and b.total_steps == steps for b in bounds(at))
    assert link(at)["total_steps"] == str(steps)


def test_an_integer_field_refuses_a_fraction_by_name_and_keeps_its_value() -> None:
    at = type_shared(open_app(), "total_steps", "2.5")
    assert view(at).shared["total_steps"] == 100
    shown = " ".join(captions(at))
    assert "Total steps" in shown
    assert "not a whole number" in shown


def test_step_cursor_reads_1e5() -> None:
    at = type_shared(open_app(), "total_steps", "1e6")
    at = type_shared(at, "step_cursor", "1e5")
    assert view(at).shared["step_cursor"] == 100_000
    lrs = figures(at)["Learning-rate schedules"]
    assert lrs["layout"]["shapes"][0]["x0"] == 100_000


@pytest.mark.parametrize(("typed", "value"), [("3e-4", 3e-4), ("3E-4", 3e-4), ("0.0003", 3e-4)])
def test_peak_lr_reads_exactly(typed: str, value: float) -> None:
    at = type_shared(open_app(), "init_lr", typed)
    assert view(at).shared["init_lr"] == value
    _, y = lr_lines(at)["Cosine with linear warmup"]
    assert y.max() == value


def test_phase_cells_read_1e_minus_3() -> None:
    rows, problems = cv.apply_edits(
        [{"shape": "linear", "length": 10, "start": 0.0, "end": 1.0, "power": None}],
        {"edited_rows": {"0": {"end": "1e-3"}}},
        "steps",
        10,
    )
    assert problems == []
    assert rows[0]["end"] == 0.001


# 3. Units switch both ways, twice, keeping every curve.
def test_units_switch_both_ways_keeps_every_curve() -> None:
    at = add_family(open_app(), cv.CUSTOM)
    at = add_preset(at, "llama2")
    before = bounds(at)
    for units in ("steps", "fraction", "steps", "fraction"):
        at = switch_units(at, units)
        assert not at.exception
        assert bounds(at) == before


# 4. The editor shows what this run computed.
def test_an_error_shows_in_the_same_run_and_goes_with_the_fix() -> None:
    at = type_param(open_app(), 2, "min_lr", "0.5")
    assert not at.exception
    assert any("min\\_lr" in e and "Cosine with linear warmup" in e for e in errors(at))
    assert "Cosine with linear warmup" not in lr_lines(at)
    at = type_param(at, 2, "min_lr", "1e-5")
    assert errors(at) == []
    _, y = lr_lines(at)["Cosine with linear warmup"]
    assert y.min() == 1e-5 or y[-1] == 1e-5


# 5. A blank cell survives the link.
def test_a_blank_phase_cell_survives_the_link() -> None:
    at = open_app({"units": "steps", "curve": "phases:linear,10,0,1|cosine,90,1,"})
    assert not at.exception
    assert link(at)["curve"] == "phases:linear,10,0,1|cosine,90,1,"
    assert any("end" in e and "blank" in e for e in errors(at)) or bounds(at) == [None]
    again = reopen(at)
    assert view(again).curves == view(at).curves


# 6. A link without units reads lengths in steps.
def test_a_link_without_units_reads_steps() -> None:
    at = open_app({"curve": "cosine_with_linear_warmup:total_steps=500000;warmup_steps=2000"})
    assert not at.exception
    assert link_notices(at) == []
    (got,) = bounds(at)
    assert got is not None
    assert got.params["warmup_steps"] == 2000


# 7. A pasted config uses the examples beside the box, and says it is detached.
README_CONFIG = """{"learning_rate": 5e-5, "lr_scheduler_type": "cosine", "warmup_steps": 0.1,
"num_train_epochs": 3, "per_device_train_batch_size": 4, "gradient_accumulation_steps": 2}"""


def test_paste_uses_the_examples_beside_the_box() -> None:
    at = paste(clear_all(open_app()), README_CONFIG, examples="50")
    assert not at.exception
    (got,) = bounds(at)
    assert got is not None
    assert got.total_steps == 21
    assert any("does not follow" in str(s.value) for s in at.success)
    at = type_text(at, "w.setup.num_examples", "800")
    assert bounds(at) == [got]  # detached, as it said


# 8. The table is exact at any T.
def test_the_table_is_exact_with_a_million_restarts() -> None:
    at = open_app(
        {
            "units": "steps",
            "total_steps": str(10**9),
            "curve": "cosine_warm_restarts:cycle_steps=1000",
        }
    )
    (row,) = at.table[0].value.to_dict("records")
    # Every cycle has the same 1,000 values: the exact mean is one cycle's.
    one = dynweights.schedule("cosine_warm_restarts", total_steps=10**9, cycle_steps=1000)
    cycle = math.fsum(float(one(k)) for k in range(1000))
    assert row["mean"] == short(cycle / 1000)
    assert row["mean"] == "0.05005"


# 9. One span for every curve: drawn, summed and downloaded.
def test_a_shorter_curve_holds_over_the_span(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = record_downloads(monkeypatch)
    at = add_preset(open_app(), "llama2")
    lines = lr_lines(at)
    x, y = lines["Cosine warm restarts"]
    assert x[-1] == 500_000
    assert y[-1] == y[x == 100][0]
    table = at.table[0].value
    row = table[table["curve"] == "Cosine warm restarts"].iloc[0]
    short = dynweights.schedule(
        "cosine_warm_restarts", total_steps=100, cycle_steps=25, init_lr=0.1
    )
    exact = math_sum(short, 100) + (500_000 - 100) * short(100)
    assert float(row["mean"]) == pytest.approx(exact / 500_000, rel=1e-5)
    assert "steps 0 to 500,000" in " ".join(captions(at))
    _, text = download(at, "Download CSV (plotted steps)", recorded)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][0] == "500000"
    assert all(cell != "" for cell in rows[-1])


def math_sum(s: dynweights.Bound, total: int) -> float:
    return math.fsum(float(s(k)) for k in range(total))


# 10. YAML reads 3e-4 as a number.
def test_yaml_reads_3e_minus_4() -> None:
    at = paste(clear_all(open_app()), "learning_rate: 3e-4\nlr_scheduler_type: constant")
    assert not at.exception
    (got,) = bounds(at)
    assert got is not None
    assert got(0) == 3e-4


# 11. Messages are plain text.
def test_paste_errors_are_plain_text() -> None:
    at = paste(open_app(), "TrainingArguments(learning_rate=__import__('os'), x=1)")
    (message,) = [str(e.value) for e in at.error]
    assert "\\_\\_import\\_\\_" in message  # shown as typed, not bold
    at = paste(open_app(), '{"lr_scheduler_type": "see http://example.com [x](http://e.com)"}')
    (message,) = [str(e.value) for e in at.error]
    assert "](" not in message
    assert "http://" not in message


# 12. Swatches equal the lines.
def test_swatches_are_the_line_colours() -> None:
    at = open_app()
    for family in ("linear", "cosine", "power", "exponential"):
        at = add_family(at, family)
    colours = {t["name"]: t["line"]["color"] for f in figures(at).values() for t in f["data"]}
    shown = {}
    for block in at.markdown:
        match = re.search(r'color:(#[0-9A-Fa-f]{6})">■■■</span> \*\*(.+?)\*\*', str(block.value))
        if match:
            shown[match.group(2).replace("\\", "")] = match.group(1)
    assert len(set(colours.values())) == 8
    for label, colour in colours.items():
        assert shown[label] == colour


# 13. The first minutes.
def test_clear_all_and_an_lr_only_view_gets_the_whole_width() -> None:
    at = open_app()
    assert "computed exactly" in " ".join(captions(at))
    at = clear_all(at)
    assert view(at).curves == ()
    at = add_preset(at, "llama2")
    assert list(figures(at)) == ["Learning-rate schedules"]  # no empty chart beside it
    assert bounds(at) == [LLAMA2]
    assert view(at).shared["total_steps"] == 500_000  # an empty page takes its settings


# 14. Labels keep their origin; Make custom for every chain of phases.
def test_a_preset_label_survives_the_link() -> None:
    at = add_preset(open_app(), "llama2")
    assert "GPT-3 / Llama 2" in lr_lines(at)
    again = reopen(at)
    assert "GPT-3 / Llama 2" in lr_lines(again)
    assert bounds(again) == bounds(at)


@pytest.mark.parametrize("family", ["constant_with_warmup", "multistep_decay"])
def test_make_custom_works_for_every_chain_of_phases(family: str) -> None:
    at = add_family(clear_all(open_app()), family)
    before = bounds(at)[0]
    at = click(at, 0, "custom")
    assert not at.exception
    assert view(at).curves[0].name == cv.CUSTOM
    after = bounds(at)[0]
    assert after is not None
    assert before is not None
    steps = np.arange(before.total_steps + 1)
    np.testing.assert_array_equal(after.values(steps), before.values(steps))


# 15. The phases editor: lengths and messages in the unit; a new row continues.
def test_new_row_starts_where_the_previous_ended() -> None:
    base = [{"shape": "linear", "length": 0.1, "start": 0.0, "end": 3e-4, "power": None}]
    rows, problems = cv.apply_edits(base, {"added_rows": [{"shape": "constant"}]}, "fraction", 1000)
    assert problems == []
    assert rows[1]["start"] == 3e-4
    assert rows[1]["shape"] == "constant"


def test_a_fraction_length_error_speaks_in_fractions() -> None:
    base = [{"shape": "linear", "length": 0.1, "start": 0.0, "end": 3e-4, "power": None}]
    rows, problems = cv.apply_edits(base, {"edited_rows": {"0": {"length": "1e4"}}}, "fraction", 10)
    assert rows == base
    assert problems
    assert "fraction" in problems[0]
    assert "integer" not in problems[0]


def test_phase_edits_apply_through_the_page_state() -> None:
    at = add_family(clear_all(open_app()), cv.CUSTOM)
    curve = view(at).curves[0]
    assert curve.rows[0]["length"] == 1.0
    assert json.loads(json.dumps(link(at)))["curve"].startswith("phases:linear,1,0,")


def test_pick_a_choice_in_one_click() -> None:
    at = add_family(clear_all(open_app()), "warmup_stable_decay")
    at = pick_param(at, 0, "decay_shape", "1-sqrt")
    got = bounds(at)[0]
    assert got is not None
    assert got.params["decay_shape"] == "1-sqrt"
