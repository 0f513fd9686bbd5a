"""timm's ``timm/scheduler/`` folder as a package of its own, without ``import timm``.

timm is installed without its dependencies (they would pull torchvision) and
is in no requirements file::

    pip install --no-deps timm==1.0.31

``import timm`` then fails, so only ``timm/scheduler/`` is loaded, as the
package ``_timm_scheduler``: its modules import each other relatively and
need only torch. ``multistep_lr`` alone imports ``timm.scheduler.scheduler``
absolutely; that name points at the same module while it loads.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
import types
from pathlib import Path

MODULES = ("scheduler", "cosine_lr", "tanh_lr", "step_lr", "multistep_lr", "poly_lr", "plateau_lr")
MODULES += ("wsd_lr", "scheduler_factory")


def load() -> types.ModuleType:
    """The package, with each module of ``MODULES`` as an attribute and ``__version__``."""
    if "_timm_scheduler" in sys.modules:
        return sys.modules["_timm_scheduler"]
    spec = importlib.util.find_spec("timm")  # finds the folder, runs nothing
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("timm is missing: pip install --no-deps timm==1.0.31")
    folder = Path(next(iter(spec.submodule_search_locations))) / "scheduler"
    package = types.ModuleType("_timm_scheduler")
    package.__path__ = [str(folder)]  # its __init__ would import timm; skip it
    sys.modules["_timm_scheduler"] = package
    base = importlib.import_module("_timm_scheduler.scheduler")
    aliases = {"timm": types.ModuleType("timm"), "timm.scheduler": package}
    aliases["timm.scheduler.scheduler"] = base
    saved = {name: sys.modules.get(name) for name in aliases}
    sys.modules.update(aliases)
    try:
        for name in MODULES:
            setattr(package, name, importlib.import_module(f"_timm_scheduler.{name}"))
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    package.__version__ = importlib.metadata.version("timm")  # type: ignore[attr-defined]
    return package
