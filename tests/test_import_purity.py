"""`import dynweights` pulls in numpy and the standard library, nothing heavier."""

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
import sys
import dynweights
print(json.dumps({
    "heavy": sorted(m for m in ("streamlit", "plotly", "pandas") if m in sys.modules),
    "numpy": "numpy" in sys.modules,
    "path": dynweights.__file__,
}))
"""


def test_import_loads_numpy_but_no_app_libraries():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    assert loaded["heavy"] == []
    assert loaded["numpy"] is True
    # The probe imported this checkout's package, not an installed copy.
    assert Path(loaded["path"]).resolve().parent == REPO_ROOT / "dynweights"
