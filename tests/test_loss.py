"""dynweights.loss: the multi-power law against the authors' own evaluation, the bound
path against the array path, the limits, the annealing law against its recursion."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dynweights
from dynweights.loss import PUBLISHED, AnnealingLaw, MultiPowerLaw, fit, fit_annealing

GOLDEN = json.loads((Path(__file__).parent / "golden" / "mpl.json").read_text())
WARMUP, PEAK, END = 2160, 3e-4, 3e-5
SIZES = {"25": "mpl-25M", "100": "mpl-100M", "400": "mpl-400M"}


def authors_rates(name: str) -> np.ndarray:
    """The rates of one of the authors' runs, rebuilt the way their data loader builds
    them (src/lr_schedules.py); the fingerprint test checks they match."""
    kind, *numbers = name.split("_")
    warm = np.linspace(0, PEAK, WARMUP)
    if kind in ("cosine", "constant"):
        total = int(numbers[0])
        u = np.arange(total)[WARMUP:]
        if kind == "constant":
            return np.concatenate([warm, np.full(total - WARMUP, PEAK)])
        decay = END + 0.5 * (PEAK - END) * (1 + np.cos(np.pi * (u - WARMUP) / (total - WARMUP)))
        return np.concatenate([warm, decay])
    if kind == "wsdcon":
        low = int(numbers[0]) * 1e-5
        return np.concatenate([warm, np.full(8000 - WARMUP, PEAK), np.full(8000, low)])
    start, total = int(numbers[0]), int(numbers[1])
    u = np.arange(total)[start:]
    if kind == "wsd":
        tail = PEAK ** ((total - u) / (total - start)) * END ** ((u - start) / (total - start))
    else:  # wsdld
        tail = PEAK * (1 - (u - start) / (total - start)) + END * (u - start) / (total - start)
    return np.concatenate([warm, np.full(start - WARMUP, PEAK), tail])


def authors_schedule(name: str) -> dynweights.Bound:
    """The same run as a bound dynweights schedule."""
    kind, *numbers = name.split("_")
    warm = [
        {"shape": "linear", "steps": WARMUP - 1, "start": 0.0, "end": PEAK},
    ]
    if kind in ("cosine", "constant"):
        total = int(numbers[0])
        if kind == "constant":
            rest = [{"shape": "constant", "steps": total - WARMUP + 1, "start": PEAK}]
        else:
            rest = [
                {"shape": "constant", "steps": 1, "start": PEAK},
                {"shape": "cosine", "steps": total - WARMUP, "start": PEAK, "end": END},
            ]
        return dynweights.phases(warm + rest)
    if kind == "wsdcon":
        low = int(numbers[0]) * 1e-5
        return dynweights.phases(
            [
                *warm,
                {"shape": "constant", "steps": 8000 - WARMUP + 1, "start": PEAK},
                {"shape": "constant", "steps": 8000, "start": low},
            ]
        )
    start, total = int(numbers[0]), int(numbers[1])
    shape = "exponential" if kind == "wsd" else "linear"
    return dynweights.phases(
        [
            *warm,
            {"shape": "constant", "steps": start - WARMUP + 1, "start": PEAK},
            {"shape": shape, "steps": total - start, "start": PEAK, "end": END},
        ]
    )


RUNS = [(size, name) for size in GOLDEN["sizes"] for name in GOLDEN["sizes"][size]["runs"]]
NAMES = sorted(GOLDEN["sizes"]["25"]["runs"])


def test_golden_covers_the_five_kinds_of_schedule():
    kinds = {name.split("_")[0] for name in NAMES}
    assert kinds == {"cosine", "constant", "wsd", "wsdld", "wsdcon"}
    assert sorted(GOLDEN["sizes"]) == ["100", "25", "400"]


@pytest.mark.parametrize("size", sorted(SIZES))
def test_published_constants_are_the_authors(size):
    law = PUBLISHED[SIZES[size]]
    assert list(law.constants.values()) == GOLDEN["sizes"][size]["params"]
    assert law.setup is not None
    assert (law.setup.model, law.setup.total_steps, law.setup.peak_lr) == (f"{size}M", 24_000, 3e-4)
    assert law.setup.warmup_steps == 2160
    assert "thu-yao-01-luo/MultiPowerLaw" in law.source


@pytest.mark.parametrize("name", NAMES)
def test_rebuilt_rates_match_the_authors_fingerprint(name):
    run = GOLDEN["sizes"]["25"]["runs"][name]
    rates = authors_rates(name)
    assert rates.size == run["length"]
    assert rates[run["steps"]].tolist() == run["lr"]
    assert math.isclose(float(np.sum(rates)), run["lr_sum"], rel_tol=1e-14)


@pytest.mark.parametrize(("size", "name"), RUNS)
def test_array_path_equals_the_authors_evaluation(size, name):
    run = GOLDEN["sizes"][size]["runs"][name]
    got = PUBLISHED[SIZES[size]].predict(authors_rates(name), run["steps"])
    np.testing.assert_allclose(got, run["pred"], rtol=1e-9, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_bound_path_equals_the_array_path(name):
    steps = np.unique(
        np.r_[1, 2, 2158, 2159, 2160, 2161, GOLDEN["sizes"]["100"]["runs"][name]["steps"]]
    )
    law = PUBLISHED["mpl-100M"]
    exact = law.predict(authors_rates(name), steps)
    summed = law.predict(authors_schedule(name), steps)
    np.testing.assert_allclose(summed, exact, rtol=1e-6, atol=0)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_bound_path_equals_the_authors_evaluation(size):
    run = GOLDEN["sizes"][size]["runs"]["wsd_20000_24000"]
    got = PUBLISHED[SIZES[size]].predict(authors_schedule("wsd_20000_24000"), run["steps"])
    np.testing.assert_allclose(got, run["pred"], rtol=1e-6, atol=0)


LAW = MultiPowerLaw(L0=2.5, A=0.6, alpha=0.45, B=440.0, C=2.1, beta=0.6, gamma=0.65)


def test_constant_schedule_is_the_power_law_alone():
    steps = np.array([0, 1, 99, 12_345])
    expected = [2.5 + 0.6 * (3e-4 * (t + 1)) ** -0.45 for t in steps.tolist()]
    np.testing.assert_allclose(LAW.predict(np.full(20_000, 3e-4), steps), expected, rtol=1e-13)
    bound = dynweights.schedule(
        "constant_with_warmup", total_steps=20_000, warmup_steps=0, init_lr=3e-4
    )
    np.testing.assert_allclose(LAW.predict(bound, steps), expected, rtol=1e-13)
    np.testing.assert_allclose(
        LAW.predict(bound, [10**9]), [2.5 + 0.6 * (3e-4 * (10**9 + 1)) ** -0.45], rtol=1e-12
    )


def test_single_step():
    assert LAW.predict([3e-4], 0).tolist() == 2.5 + 0.6 * 3e-4**-0.45
    assert LAW.predict([3e-4], [0]).tolist() == [2.5 + 0.6 * 3e-4**-0.45]
    # One drop: LD = (eta_1 - eta_0) * (1 - (1 + C eta_1^-gamma eta_1)^-beta), by hand.
    x = 2.1 * 1e-4**-0.65 * 1e-4
    expected = 2.5 + 0.6 * 4e-4**-0.45 + 440.0 * -2e-4 * (1 - (1 + x) ** -0.6)
    assert math.isclose(float(LAW.predict([3e-4, 1e-4], 1)), expected, rel_tol=1e-14)


def test_decay_to_zero_stays_finite():
    rates = np.linspace(3e-4, 0.0, 1001)
    out = LAW.predict(rates, [999, 1000])
    assert np.all(np.isfinite(out))
    # The last step spends nothing: S does not grow and its rate-0 term brackets to 0.
    assert out[1] == out[0]
    s = dynweights.schedule("cosine_annealing", total_steps=10**9, init_lr=3e-4)
    ends = LAW.predict(s, [10**9 - 1, 10**9, 2 * 10**9])
    assert np.all(np.isfinite(ends))
    assert ends[2] == pytest.approx(ends[1], rel=1e-9, abs=0)  # nothing is spent after T


def test_rate_zero_then_spent_brackets_to_one():
    # Step 1 has rate 0 and step 2 spends 1e-4: the bracket of step 1 is 1 (its limit).
    x2 = 2.1 * 1e-4**-0.65 * 1e-4
    expected = 2.5 + 0.6 * 4e-4**-0.45 + 440.0 * (-3e-4 * 1.0 + 1e-4 * (1 - (1 + x2) ** -0.6))
    assert math.isclose(float(LAW.predict([3e-4, 0.0, 1e-4], 2)), expected, rel_tol=1e-14)


def test_no_rate_spent_is_an_infinite_loss():
    assert LAW.predict([0.0, 1e-4], [0]).tolist() == [math.inf]


def test_result_keeps_the_shape_of_steps():
    assert LAW.predict(np.full(10, 1e-4), [[1, 2], [3, 4]]).shape == (2, 2)


@pytest.mark.parametrize(
    ("field", "value"),
    [("L0", math.nan), ("alpha", 0.0), ("C", -1.0), ("beta", "1"), ("gamma", -0.1), ("A", True)],
)
def test_constants_are_checked(field, value):
    params = {"L0": 2.5, "A": 0.6, "alpha": 0.45, "B": 440.0, "C": 2.1, "beta": 0.6, "gamma": 0.65}
    with pytest.raises(ValueError, match=f"^{field} must be"):
        MultiPowerLaw(**{**params, field: value})


@pytest.mark.parametrize(
    ("lr", "steps", "field"),
    [
        ([1e-4, -1e-4], [0], "lr"),
        ([[1e-4]], [0], "lr"),
        ([1e-4, math.inf], [0], "lr"),
        ("abc", [0], "lr"),
        ([1e-4, 1e-4], [2], "steps"),
        ([1e-4, 1e-4], [-1], "steps"),
        ([1e-4, 1e-4], [0.5], "steps"),
        ([1e-4, 1e-4], [], "steps"),
    ],
)
def test_inputs_are_checked(lr, steps, field):
    with pytest.raises(ValueError, match=f"^{field} must be"):
        LAW.predict(lr, steps)


def test_too_many_breakpoints_is_refused():
    s = dynweights.schedule(
        "cosine_warm_restarts", total_steps=10**7, cycle_steps=100, init_lr=1e-3
    )
    with pytest.raises(ValueError, match=r"^lr must be a schedule with at most"):
        LAW.predict(s, [10**6])


def annealing_by_recursion(law: AnnealingLaw, rates: np.ndarray, step: int) -> float:
    """The paper's definition step by step: m_i = decay m_{i-1} + (eta_{i-1} - eta_i)."""
    momentum, s2 = 0.0, 0.0
    for i in range(1, step + 1):
        momentum = law.decay * momentum + (rates[i - 1] - rates[i])
        s2 += momentum
    s1 = math.fsum(rates[: step + 1].tolist())
    return law.L0 + law.A * s1**-law.alpha - law.C * s2


def test_annealing_law_equals_its_recursion():
    law = AnnealingLaw(L0=2.8, A=0.45, alpha=0.5, C=120.0, decay=0.99)
    rates = authors_rates("wsdld_20000_24000")
    steps = [1, 2159, 2160, 19_999, 20_000, 20_500, 23_999]
    expected = [annealing_by_recursion(law, rates, t) for t in steps]
    np.testing.assert_allclose(law.predict(rates, steps), expected, rtol=1e-11)
    bound = law.predict(authors_schedule("wsdld_20000_24000"), steps)
    np.testing.assert_allclose(bound, expected, rtol=1e-9)


def test_annealing_law_checks_decay():
    with pytest.raises(ValueError, match=r"^decay must be"):
        AnnealingLaw(L0=2.8, A=0.45, alpha=0.5, C=120.0, decay=1.0)


def test_import_needs_no_scipy():
    probe = "import sys, dynweights.loss; print('scipy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def noisy_runs(predict, seed: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The authors' three training schedules, losses from ``predict`` times 1 + 2e-5 noise."""
    rng = np.random.default_rng(seed)
    runs = []
    for name in ("cosine_24000", "constant_24000", "wsdcon_9"):
        rates = authors_rates(name)
        steps = np.arange(WARMUP, rates.size, 256)
        noise = 1 + 2e-5 * rng.standard_normal(steps.size)
        runs.append((rates, steps, predict(rates, steps) * noise))
    return runs


def test_fit_recovers_the_constants_of_its_curves():
    truth = PUBLISHED["mpl-100M"]
    got = fit(noisy_runs(truth.predict, seed=0))
    assert got.source == "fit"
    for name in ("L0", "A", "alpha", "B"):
        assert getattr(got, name) == pytest.approx(getattr(truth, name), rel=1e-2), name
    for name in ("C", "beta", "gamma"):  # the drop's shape: weakly determined by 3 curves
        assert getattr(got, name) == pytest.approx(getattr(truth, name), rel=0.25), name
    rates, steps = authors_rates("wsd_20000_24000"), np.arange(WARMUP, 24_000, 128)
    np.testing.assert_allclose(got.predict(rates, steps), truth.predict(rates, steps), rtol=1e-4)


def test_fit_annealing_recovers_the_constants_of_its_curves():
    truth = AnnealingLaw(L0=2.7, A=0.55, alpha=0.45, C=0.4, decay=0.999)
    got = fit_annealing(noisy_runs(truth.predict, seed=1), decay=0.999)
    for name in ("L0", "A", "alpha", "C"):
        assert getattr(got, name) == pytest.approx(getattr(truth, name), rel=1e-2), name
    assert got.decay == 0.999


def test_fit_takes_a_bound_schedule():
    rates = authors_rates("wsdld_20000_24000")
    steps = np.arange(WARMUP, 24_000, 512)
    truth = AnnealingLaw(L0=2.7, A=0.55, alpha=0.45, C=0.4)
    got = fit_annealing(
        [(authors_schedule("wsdld_20000_24000"), steps, truth.predict(rates, steps))]
    )
    assert pytest.approx(2.7, rel=1e-3) == got.L0


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        ([], r"^runs must be a non-empty list"),
        ([(np.ones(3), [1, 2])], r"^runs\[0\] must be a tuple"),
        ([(np.ones(3), [1, 2], [1.0])], r"^runs\[0\]\.losses must be one loss per step"),
        ([(np.ones(3), [1, 2], [1.0, -1.0])], r"^runs\[0\]\.losses must be finite"),
        ([(np.ones(3), [1, 3], [1.0, 1.0])], r"^runs\[0\]\.steps must be < len\(lr\)"),
    ],
)
def test_fit_checks_its_runs(runs, message):
    with pytest.raises(ValueError, match=message):
        fit(runs)


def test_fit_without_scipy_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ImportError, match=r"pip install 'dynweights\[fit\]'"):
        fit(noisy_runs(PUBLISHED["mpl-25M"].predict, seed=2))
