"""dynweights.PRESETS: documented, valid, and reproducing what they cite."""

from __future__ import annotations

import numpy as np
import pytest

from dynweights import PRESETS, SCHEDULES, evaluate


def test_at_least_six_presets():
    assert len(PRESETS) >= 6


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_preset_is_documented_and_valid(preset):
    assert preset.label
    assert len(preset.description) > 20
    assert preset.curves
    assert set(preset.curves) <= set(SCHEDULES)
    known = {p.name for name in preset.curves for p in SCHEDULES[name].params}
    assert set(preset.params) <= known
    for name in preset.curves:
        spec = SCHEDULES[name]
        params = {k: v for k, v in preset.params.items() if k in {p.name for p in spec.params}}
        # Within the explorer's bounds, so the preset can be shown and shared.
        for p in spec.params:
            if p.name in params and p.type is not str:
                assert p.min <= params[p.name] <= p.max, p.name
        values = evaluate(name, np.arange(0, 1001), **params)
        assert np.all(np.isfinite(values))


def test_llama2_preset_decays_to_a_tenth():
    preset = PRESETS["llama2"]
    end = evaluate("cosine_with_linear_warmup", preset.params["total_steps"], **preset.params)
    assert end == pytest.approx(0.1 * preset.params["init_lr"], rel=1e-12)


def test_sgdr_preset_restarts_at_10_30_70_150():
    preset = PRESETS["sgdr"]
    values = evaluate("cosine_warm_restarts", [10, 30, 70, 150], **preset.params)
    np.testing.assert_array_equal(values, 0.05)
