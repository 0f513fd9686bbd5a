"""The peer libraries the exports are executed against (torch, transformers, optax, keras).

`make test` installs them (requirements-peers.txt); only a bare checkout may lack one.
In CI a missing peer fails the test instead of skipping it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def peer(name: str) -> ModuleType:
    """``import name``, or fail in CI (skip elsewhere) saying how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} must be installed in CI (requirements-peers.txt)")
        pytest.skip(f"{name} is not installed")
