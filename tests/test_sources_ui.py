"""Bring your scheduler as written (issue 19, the page): PyTorch code, timm arguments and
custom expressions in the paste box and the curve list, driven in AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import (
    add_family,
    bounds,
    clear_all,
    errors,
    figures,
    link,
    open_app,
    paste,
    reopen,
    traces,
    type_param,
    view,
)

import dynweights
from explorer import paste as pasted

WARMUP_COSINE = (
    "scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [LinearLR(optimizer, "
    "start_factor=0.01, total_iters=100), CosineAnnealingLR(optimizer, T_max=900)], "
    "milestones=[100])"
)
CHAINED = (
    "ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=20), ExponentialLR(opt, 0.99)])"
)


def messages(at: object) -> str:
    kinds = ("success", "info", "error")
    return " ".join(str(m.value).replace("\\", "") for k in kinds for m in getattr(at, k))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (WARMUP_COSINE, "torch"),
        ("--sched cosine --epochs 100 --warmup-epochs 5 --lr 0.1", "timm"),
        ("sched: step\nepochs: 30\nlr: 0.1", "timm"),
        ('{"lr_scheduler_type": "cosine", "learning_rate": 3e-4}', "hf"),
        ("learning_rate: 3e-4", "hf"),
    ],
)
def test_the_paste_box_recognizes_what_it_was_given(text: str, kind: str) -> None:
    assert pasted.kind_of(text) == kind


def test_torch_code_that_is_a_family_becomes_that_familys_editable_curve() -> None:
    at = paste(clear_all(open_app()), WARMUP_COSINE)
    assert not at.exception
    (curve,) = view(at).curves
    assert curve.name == "cosine_with_linear_warmup"
    assert curve.title == "torch SequentialLR"
    assert "Read as PyTorch scheduler code" in messages(at)
    expected = dynweights.from_torch(WARMUP_COSINE, lr=0.1)
    ((x, y),) = traces(figures(at)["Learning-rate schedules"]).values()
    np.testing.assert_allclose(y, expected.values(x), rtol=1e-12, atol=0)
    assert bounds(reopen(at)) == bounds(at)


def test_torch_code_without_a_family_is_drawn_and_linked_as_written() -> None:
    at = paste(clear_all(open_app()), CHAINED)
    assert not at.exception
    (curve,) = view(at).curves
    assert curve.name == "torch"
    expected = dynweights.from_torch(CHAINED, lr=0.1, total_steps=100)
    assert bounds(at) == [expected]
    assert "the code fixes none" in messages(at)
    assert link(at)["curve"].startswith("torch:params=")
    again = reopen(at)
    assert bounds(again) == [expected]
    assert view(again).curves[0].title == "torch ChainedScheduler"


def test_timm_arguments_draw_create_scheduler_v2s_curve() -> None:
    text = "python train.py --sched cosine --epochs 30 --warmup-epochs 3 --lr 0.05"
    at = paste(clear_all(open_app()), text)
    assert not at.exception
    args = {"sched": "cosine", "epochs": 30, "warmup_epochs": 3, "lr": 0.05}
    expected = dynweights.from_timm(args, updates_per_epoch=100)
    assert bounds(at) == [expected]
    assert "100 updates per epoch" in messages(at)
    assert bounds(reopen(at)) == [expected]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("ReduceLROnPlateau(opt, patience=3)", "follows a metric"),
        ("StepLR(opt, step_size=0)", "step_size"),
        ("LambdaLR(opt, lambda s: __import__('os').getpid())", "dunder"),
        ("LambdaLR(opt, lambda s: open('x').read())", "open"),
        ("--sched cosine --epochs -5 --lr 0.1", "epochs"),
    ],
)
def test_bad_code_is_refused_by_name_and_the_curves_stay(text: str, named: str) -> None:
    at = open_app()
    before = bounds(at)
    at = paste(at, text)
    assert not at.exception
    (error,) = errors(at)
    assert named in error.replace("\\", "")
    assert bounds(at) == before


@pytest.mark.parametrize("text", ["StepLR(" * 100_000, "(" * 15_000 + "StepLR(opt, 1)"])
def test_a_huge_or_deep_paste_is_refused_before_it_is_read(text: str) -> None:
    view_shared = open_app().session_state["view"].shared
    with pytest.raises(ValueError, match=r"characters|nest|deep"):
        pasted.read(text, view_shared)


def test_a_custom_expression_is_drawn_exported_and_linked() -> None:
    at = add_family(clear_all(open_app()), "expression")
    at = type_param(at, 0, "expression", "0.5 ** (step // 25)")
    assert not at.exception
    (got,) = bounds(at)
    assert got is not None
    assert [got(k) for k in (0, 24, 25, 99, 100)] == [0.1, 0.1, 0.05, 0.1 * 0.5**3, 0.1 * 0.5**4]
    code = got.to_code("python")
    namespace: dict[str, object] = {}
    exec(compile(code, "<export>", "exec"), namespace)
    assert "math" in code or "def " in code
    again = reopen(at)
    assert bounds(again) == [got]
    at = type_param(at, 0, "expression", "step.__class__")
    assert any("dunder" in e or "attribute" in e for e in errors(at))


def test_plateau_on_an_uploaded_metric_is_torchs_and_its_link_keeps_it() -> None:
    at = clear_all(open_app())
    values = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]
    text = "step,val_loss\n" + "".join(f"{10 * (i + 1)},{v}\n" for i, v in enumerate(values))
    at.session_state["plateau.patience"] = "2"
    # AppTest cannot upload a file: this is what the uploader's callback keeps of one.
    at.session_state["plateau.data"] = ("val.csv", text.encode())
    at.button(key="plateau.add").click()
    at = at.run()
    assert not at.exception
    (got,) = bounds(at)
    assert got is not None
    rates = dynweights.reduce_on_plateau(values, lr=0.1, patience=2)
    # scheduler.step(values[i]) runs after step 10 (i + 1); its rate is used from the next.
    for i, rate in enumerate(rates[1:]):
        assert got(10 * (i + 1) + 1) == rate
    assert got(0) == got(10) == 0.1
    assert view(at).curves[0].title == "Plateau on val.csv"
    assert bounds(reopen(at)) == [got]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("step,value\n1,0.5\n1,0.4\n", "row 3, column `step`"),
        ("step,value\n1,nan\n", "row 2, column `value`"),
        ("when,value\n1,0.5\n", "no `step` column"),
        ("step,value\n", "no rows"),
    ],
)
def test_a_bad_metric_file_is_named_by_row_and_column(text: str, named: str) -> None:
    from explorer import uploads

    with pytest.raises(ValueError, match=r"row|column|rows") as err:
        uploads.metric(text.encode())
    assert named in str(err.value)
