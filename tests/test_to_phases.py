"""``dynweights._bound.to_phases``: the phases equal to a family, where it is a chain of them.

"Make custom" in the explorer uses it; every registered family is either turned into
phases that evaluate equal to it, or refused with ``None``.
"""

from __future__ import annotations

import numpy as np
import pytest

import dynweights
from dynweights._phases import to_phases

# Families known to be chains of plain phases; a new family is checked by the equality alone.
CHAINS = {
    "linear",
    "cosine",
    "power",
    "cosine_with_linear_warmup",
    "cosine_annealing",
    "warmup_stable_decay",
}
REFUSED = {"cosine_warm_restarts", "step_decay", "one_cycle", "exponential", "inverse_sqrt"}


@pytest.mark.parametrize("name", sorted(dynweights.SCHEDULES))
def test_phases_equal_the_family_or_none(name: str) -> None:
    s = dynweights.schedule(name, total_steps=1000)
    items = to_phases(s)
    assert (items is not None) == (name in CHAINS) or name not in CHAINS | REFUSED
    if items is not None:
        chain = dynweights.phases(items)
        steps = np.arange(1201)
        np.testing.assert_allclose(chain.values(steps), s.values(steps), rtol=1e-12, atol=0)
        assert chain.total_steps == s.total_steps


def test_llama2_is_a_warmup_and_a_cosine() -> None:
    s = dynweights.schedule(
        "cosine_with_linear_warmup",
        total_steps=500_000,
        warmup_steps=2_000,
        init_lr=3e-4,
        min_lr=3e-5,
    )
    assert to_phases(s) == [
        {"shape": "linear", "steps": 2000, "start": 0.0, "end": 3e-4},
        {"shape": "cosine", "steps": 498_000, "start": 3e-4, "end": 3e-5},
    ]


def test_a_zero_warmup_leaves_no_empty_phase() -> None:
    s = dynweights.schedule("warmup_stable_decay", total_steps=100, warmup_steps=0)
    items = to_phases(s)
    assert items is not None
    assert [i["shape"] for i in items] == ["constant", "cosine"]
    assert all(i["steps"] >= 1 for i in items)


def test_power_phase_keeps_its_exponent() -> None:
    items = to_phases(dynweights.schedule("power", total_steps=10, power_factor=3.0))
    assert items == [{"shape": "power", "steps": 10, "start": 0.0, "end": 1.0, "power": 3.0}]
