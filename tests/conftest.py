"""Suite-wide settings: Hypothesis is derandomized in CI, so a run never goes red by chance."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
