"""Named, documented starting points: the schedules people know from papers.

Each preset is a set of curves and the parameters that reproduce a published
setting; the explorer's preset picker applies one (``?preset=<name>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dynweights._spec import Value


@dataclass(frozen=True)
class Preset:
    """A named view: which schedules to show, with which parameters.

    Parameters left out take their registry defaults.
    """

    name: str
    label: str
    description: str
    curves: tuple[str, ...]
    params: Mapping[str, Value] = field(default_factory=dict)


_ALL = (
    Preset(
        "bert",
        "BERT: linear warmup, linear decay",
        "Devlin et al. 2019: 1M steps, 10k warmup steps to 1e-4, then a linear decay "
        "to 0 (polynomial decay with power 1).",
        ("polynomial_decay",),
        {"total_steps": 1_000_000, "warmup_steps": 10_000, "init_lr": 1e-4, "power_factor": 1.0},
    ),
    Preset(
        "llama2",
        "GPT-3 / Llama 2: warmup, cosine to 10%",
        "Touvron et al. 2023: 2,000 warmup steps to 3e-4, then a cosine decay to 10% of "
        "the peak (GPT-3 decays to 10% too); 500k steps of 4M tokens.",
        ("cosine_with_linear_warmup",),
        {"total_steps": 500_000, "warmup_steps": 2_000, "init_lr": 3e-4, "min_lr": 3e-5},
    ),
    Preset(
        "sgdr",
        "SGDR: warm restarts, doubling cycles",
        "Loshchilov & Hutter 2017: cycles of 10, 20, 40, 80 and 160 epochs (T_0=10, "
        "T_mult=2) from 0.05 to 0.",
        ("cosine_warm_restarts",),
        {"total_steps": 310, "init_lr": 0.05, "cycle_steps": 10, "cycle_mult": 2},
    ),
    Preset(
        "minicpm_wsd",
        "MiniCPM: warmup-stable-decay",
        "Hu et al. 2024: a short warmup, a long stable phase at 0.01, and a final 10% "
        "decay to a tenth of the peak (1-sqrt shape of Hägele et al. 2024).",
        ("warmup_stable_decay",),
        {
            "total_steps": 100_000,
            "warmup_steps": 1_000,
            "decay_steps": 10_000,
            "init_lr": 0.01,
            "min_lr": 0.001,
            "decay_shape": "1-sqrt",
        },
    ),
    Preset(
        "vae_cyclical",
        "VAE: cyclical KL annealing",
        "Fu et al. 2019: 4 cycles; each ramps the KL weight from 0 to 1 over its first "
        "half, then holds it.",
        ("cyclical_annealing",),
        {"total_steps": 10_000, "max_weight": 1.0, "cycles": 4, "ramp_ratio": 0.5},
    ),
    Preset(
        "mean_teacher",
        "Mean teacher: sigmoid consistency ramp-up",
        "Tarvainen & Valpola 2017: the consistency weight ramps up as exp(-5 (1 - t/T)^2) "
        "to 100 over the first 5 epochs.",
        ("sigmoid_ramp",),
        {"total_steps": 5_000, "max_weight": 100.0},
    ),
    Preset(
        "one_cycle",
        "One cycle: super-convergence",
        "Smith & Topin 2019: a cosine rise over 30% of the run from 0.4 / 25 to 0.4, "
        "then a cosine fall to 0.4 / 25 / 10^4 (PyTorch's OneCycleLR defaults).",
        ("one_cycle",),
        {"total_steps": 10_000, "init_lr": 0.4},
    ),
)

PRESETS: Mapping[str, Preset] = MappingProxyType({p.name: p for p in _ALL})
