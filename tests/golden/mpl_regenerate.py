"""Rewrites tests/golden/mpl.json: the multi-power law's predictions by the authors' own code.

The values come from ``src.evaluation.evaluate_mpl`` of the authors' repository
(github.com/thu-yao-01-luo/MultiPowerLaw, MIT licence; Luo et al. 2025,
arXiv:2503.12811), run unchanged on their data loader's schedules
(``src.data_loader.load_data``: cosine, constant, WSD, WSD with linear decay and
two-stage, warmup 2,160, peak 3e-4) with their published constants
(``src.config.PARAMS``). Nothing of ours computes them. Their code is imported
from a checkout given on the command line; none of it is copied here:

    git clone https://github.com/thu-yao-01-luo/MultiPowerLaw /tmp/mpl
    python tests/golden/mpl_regenerate.py /tmp/mpl

``evaluate_mpl`` also draws a figure per run and reports sklearn metrics; when
matplotlib or scikit-learn is not installed, do-nothing stand-ins take their
place (they feed no prediction). It needs numpy, scipy and torch (their
``src.utils`` imports them).

The JSON keeps every 8th query step of each run (and the last), with each run's
schedule fingerprint (length, sum, and the rate at the kept steps) so that the
test can check it rebuilt the same rates.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).with_name("mpl.json")
EVERY = 8


def _stand_ins() -> None:
    """Do-nothing matplotlib.pyplot and sklearn.metrics, only where missing."""
    try:
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        plt = types.ModuleType("matplotlib.pyplot")
        for name in ("figure", "plot", "legend", "savefig", "close", "xlabel", "ylabel", "grid"):
            setattr(plt, name, lambda *a, **k: None)
        mpl = types.ModuleType("matplotlib")
        mpl.pyplot = plt  # type: ignore[attr-defined]
        sys.modules["matplotlib"], sys.modules["matplotlib.pyplot"] = mpl, plt
    try:
        import sklearn.metrics  # noqa: F401
    except ImportError:
        metrics = types.ModuleType("sklearn.metrics")
        metrics.mean_squared_error = lambda a, b: float(np.mean((a - b) ** 2))  # type: ignore[attr-defined]
        metrics.r2_score = lambda a, b: float("nan")  # type: ignore[attr-defined]
        sk = types.ModuleType("sklearn")
        sk.metrics = metrics  # type: ignore[attr-defined]
        sys.modules["sklearn"], sys.modules["sklearn.metrics"] = sk, metrics


def main(repo: Path) -> None:
    _stand_ins()
    sys.path.insert(0, str(repo))
    os.chdir(repo)  # their FOLDER_PATHS are relative to the checkout
    from src.config import FILES, FOLDER_PATHS, PARAMS  # type: ignore[import-not-found]
    from src.data_loader import load_data  # type: ignore[import-not-found]
    from src.evaluation import evaluate_mpl  # type: ignore[import-not-found]

    out: dict[str, Any] = {
        "source": "github.com/thu-yao-01-luo/MultiPowerLaw src/evaluation.py evaluate_mpl, "
        "src/data_loader.py load_data, src/config.py PARAMS",
        "every": EVERY,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory() as figures:
        for size, params in PARAMS.items():
            data = load_data(FOLDER_PATHS[size])
            evaluate_mpl(data, FILES, params, figures)
            runs = {}
            for name in FILES:
                run = data[name]
                keep = np.unique(np.r_[np.arange(0, run["step"].size, EVERY), run["step"].size - 1])
                steps = run["step"][keep]
                runs[name.removesuffix(".csv")] = {
                    "length": int(run["lrs"].size),
                    "lr_sum": float(np.sum(run["lrs"])),
                    "steps": steps.tolist(),
                    "lr": run["lrs"][steps].tolist(),
                    "pred": run["pred"][keep].tolist(),
                }
            out["sizes"][size] = {"params": list(map(float, params)), "runs": runs}
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve())
