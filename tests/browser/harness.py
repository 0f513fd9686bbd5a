"""A real Streamlit server and a real Chromium, shared by the browser tests and
``screenshot.py``.

Playwright drives the system Chromium through ``executable_path``: its own
browser download is not assumed to work.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from playwright.sync_api import Browser, Page, Playwright

import dynweights

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app.py"

# What Chromium needs here (root, no GPU, no network beyond loopback).
# Playwright adds --headless itself.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
HEALTH_TIMEOUT_S = 30.0
# Streamlit renders asynchronously; every wait is on a condition, bounded by this.
RENDER_TIMEOUT_MS = 30_000


def chromium_path() -> str:
    """``$CHROMIUM_PATH``, else a ``chromium`` on PATH; raises if neither exists."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(
            "No Chromium for the browser tests: set CHROMIUM_PATH to a Chromium "
            "executable or install one (`apt-get install chromium`); `make test` "
            f"finds one with tools/ensure_chromium.sh. CHROMIUM_PATH={path!r}"
        )
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run app.py`` on a loopback port, as a context manager."""

    def __init__(self, app: Path = APP, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("server not started")
        return self._proc.pid

    def start(self) -> StreamlitServer:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.app),
            "--server.address=127.0.0.1",
            f"--server.port={self.port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
            # The code does not change under a test, and the watcher costs each new
            # session about 0.6 s of server CPU here (0.73 s against 0.14 s without).
            "--server.fileWatcherType=none",
        ]
        # A file, not a pipe: nobody reads the server's output while it runs,
        # and a full pipe would block it. It lives until stop(), hence no `with`.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_healthy(self._proc)
        return self

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return str(self._log.read().decode(errors="replace"))

    def _wait_healthy(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        health = f"{self.url}_stcore/health"
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                output = self._output()
                self.stop()
                raise RuntimeError(
                    f"streamlit exited with {proc.returncode} before it was healthy:\n{output}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:  # not listening yet; URLError and timeouts are OSErrors
                pass
            time.sleep(0.1)
        output = self._output()
        self.stop()
        raise RuntimeError(f"{health} did not answer 'ok' within {HEALTH_TIMEOUT_S:g} s:\n{output}")

    def rss_bytes(self) -> int:
        """The server's resident memory, from /proc/<pid>/status."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                kilobytes = int(line.split()[1])
                return kilobytes * 1024
        raise RuntimeError(f"no VmRSS for pid {self.pid}")

    def stop(self, timeout: float = 10.0) -> None:
        """Terminates the server, killing it if it does not exit in ``timeout`` s."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        """Kills the server with SIGKILL, as a host would, and starts it on the same port."""
        if self._proc is not None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(10)
        self.stop()
        self.start()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def launch_browser(playwright: Playwright) -> Browser:
    """Chromium from ``chromium_path()``, headless, with the arguments that work here."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))


def plot_traces(page: Page) -> list[int]:
    """How many traces each rendered Plotly chart on the page holds."""
    return list(
        page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot'),"
            " (el) => (el.data || []).length)"
        )
    )


def wait_for_traces(page: Page, total: int, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Waits until the page's Plotly charts hold ``total`` traces together."""
    page.wait_for_function(
        """(total) => {
            const plots = document.querySelectorAll('.js-plotly-plot');
            let n = 0;
            for (const el of plots) n += (el.data || []).length;
            return n === total;
        }""",
        arg=total,
        timeout=timeout_ms,
    )


def read_plots(page: Page) -> list[list[dict[str, Any]]]:
    """Every chart's traces as ``{"name", "x", "y"}``, read from the page's Plotly data.

    Plotly receives the arrays as packed binary (``{dtype, bdata}``) and keeps
    the decoded typed array in ``_inputArray``; plain lists pass through.
    Numbers cross to Python as JSON doubles, which round-trip float64 exactly.
    """
    plots = page.evaluate(
        """() => {
            const values = (a) => Array.from(a && a._inputArray ? a._inputArray : a);
            return Array.from(document.querySelectorAll('.js-plotly-plot'), (el) =>
                el.data.map((t) => ({name: t.name, x: values(t.x), y: values(t.y)})));
        }"""
    )
    return list(plots)


def chart_labels() -> list[list[str]]:
    """The trace names each chart shows by default: the labels of the default curves."""
    from explorer.curves import DEFAULT_CURVES

    specs = [dynweights.SCHEDULES[name] for name in DEFAULT_CURVES]
    return [[s.label for s in specs if s.family == family] for family in ("weight", "lr")]
