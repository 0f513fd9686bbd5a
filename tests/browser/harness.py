"""A real Streamlit server and a real Chromium, shared by the browser tests and
``screenshot.py``.

Playwright drives the system Chromium through ``executable_path``: its own
browser download is not assumed to work.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

import dynweights
from explorer.curves import DEFAULT_CURVES

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
# Streamlit renders asynchronously; every wait is on a condition, bounded by this. A fresh
# browser's first page took 7 to 13 s here with both cores kept busy by two other
# processes, and over 30 s in 6 of 6 tries when the machine was loaded further still.
RENDER_TIMEOUT_MS = 60_000


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


# The page shows the learning rates first (the predicted loss beside them), then the
# weights; the tests read the schedule charts as (weights, learning rates).
ORDER = ("Dynamic weights", "Learning-rate schedules")
_TITLED = """() => Array.from(document.querySelectorAll('.js-plotly-plot'), (el) => ({
    title: el.querySelector('.gtitle') ? el.querySelector('.gtitle').textContent : "",
    count: (el.data || []).length}))"""


def plot_traces(page: Page) -> list[int]:
    """How many traces each schedule chart holds: (weights, learning rates) where shown."""
    charts = {c["title"]: c["count"] for c in page.evaluate(_TITLED)}
    return [charts[title] for title in ORDER if title in charts]


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
            return Array.from(document.querySelectorAll('.js-plotly-plot'), (el) => ({
                title: el.querySelector('.gtitle') ? el.querySelector('.gtitle').textContent : "",
                data: el.data.map((t) => ({name: t.name, x: values(t.x), y: values(t.y)}))}));
        }"""
    )
    by_title = {p["title"]: p["data"] for p in plots}
    return [by_title[title] for title in ORDER if title in by_title]


def chart_labels() -> list[list[str]]:
    """The trace names each chart shows by default: the labels of the default curves."""
    specs = [dynweights.SCHEDULES[name] for name in DEFAULT_CURVES]
    return [[s.label for s in specs if s.family == family] for family in ("weight", "lr")]


# --- waiting on the page, and acting on it as a person does ------------------------------

_IDLE = """document.querySelector('[data-test-script-state]')
    ?.getAttribute('data-test-script-state') === 'notRunning'"""
# The page's last code block is its share link, written at the end of every run.
_LINK = "Array.from(document.querySelectorAll('[data-testid=stCode]')).at(-1)?.textContent"


def wait_idle(page: Page) -> None:
    """Waits until no run is going."""
    page.wait_for_function(f"() => {_IDLE}", timeout=RENDER_TIMEOUT_MS)


def settle(page: Page) -> None:
    """Waits until the run is over, the fonts are in, every widget and chart is drawn
    (Streamlit shows a placeholder while it loads a widget's code, and sizes each chart
    to its column after Plotly first draws it) and nothing moves for ten frames.
    """
    wait_idle(page)
    page.wait_for_function(
        """() => {
            const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
            const loading = '[data-testid=stSkeleton], [data-testid=stSkeletonElement]';
            if (document.fonts.status !== 'loaded' || document.querySelector(loading)
                || plots.some((p) => !(p.data || []).length || !p.querySelector('.main-svg'))) {
                return false;
            }
            const inputs = Array.from(document.querySelectorAll('input'),
                (el) => el.value + el.checked);
            const here = JSON.stringify([document.body.scrollHeight, inputs,
                ...plots.map((p) => p.getBoundingClientRect())]);
            window.__dwStill = window.__dwWhere === here ? (window.__dwStill || 0) + 1 : 0;
            window.__dwWhere = here;
            return window.__dwStill >= 10;
        }""",
        polling="raf",
        timeout=RENDER_TIMEOUT_MS,
    )
    wait_idle(page)


def share_link(page: Page) -> str:
    return str(page.evaluate(f"() => {_LINK}"))


def wait_link_changed(page: Page, before: str) -> None:
    """Waits until the page shows a share link other than ``before`` and its run is over.

    The link is the last thing a run writes, so a new one on screen means the run got
    there; a script state that still read "running" would mean it has not finished.
    (Counting changes of that state missed runs: the browser can apply a quick run's
    start and end in one render.)
    """
    page.wait_for_function(
        f"(before) => {_LINK} !== before && {_IDLE}", arg=before, timeout=RENDER_TIMEOUT_MS
    )


def in_view(page: Page, target: Locator) -> None:
    """Scrolls ``target`` into view and waits until it stands still there.

    A select box clicked while off screen opens during Playwright's own scroll and
    closes again at once (measured: 0 of 4 such clicks opened it, 4 of 4 after
    scrolling first). A person scrolls, then clicks what stopped moving.
    """
    target.scroll_into_view_if_needed()
    page.wait_for_function(
        """(el) => {
            const r = el.getBoundingClientRect();
            const here = [r.left, r.top, r.width, r.height].join();
            const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight
                && r.right <= innerWidth && r.width > 0;
            el.__dwStill = inside && el.__dwWhere === here ? (el.__dwStill || 0) + 1 : 0;
            el.__dwWhere = here;
            return el.__dwStill >= 3;
        }""",
        arg=target.element_handle(),
        polling="raf",
        timeout=RENDER_TIMEOUT_MS,
    )


# Streamlit's data editor draws its header and each row this many CSS pixels tall.
HEADER_PX = 35


def grid_columns(canvas: Locator) -> list[float]:
    """The x of each column boundary of a data editor, left edge first, in CSS pixels.

    The grid is drawn on a canvas: its header shows each boundary as a line of the
    border colour across the header's height, which is what a person's eye finds.
    """
    from PIL import Image

    box = canvas.bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(canvas.screenshot(scale="css"))).convert("RGB")
    width = image.width
    background = image.getpixel((width // 2, 2))
    lines = []
    for x in range(1, width - 1):
        column = {image.getpixel((x, y)) for y in range(3, HEADER_PX - 3)}
        if len(column) == 1 and column != {background}:
            lines.append(x)
    edges = [0.0, *(float(x) for x in lines), float(width)]
    return [box["x"] + x * box["width"] / width for x in edges]


class User:
    """A person at the page. Each method is what a person does, counted in ``interactions``:
    a click, or a field's key presses ending with Enter. Each waits until the page has
    answered, as a person would before the next step: by default until the view (its
    share link) changed and the run is over; ``until`` waits for another answer.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.interactions = 0
        wait_idle(page)

    def _answered(self, before: str, until: Callable[[], None] | None) -> None:
        if until is None:
            wait_link_changed(self.page, before)
        else:
            until()
            wait_idle(self.page)

    def click(self, target: Locator, until: Callable[[], None] | None = None) -> None:
        """One click: a button, a toggle, a segment."""
        in_view(self.page, target)
        before = share_link(self.page)
        target.click()
        self.interactions += 1
        self._answered(before, until)

    def choose(self, select: str, option: str) -> None:
        """Opens the select box labelled ``select``, clicks ``option``: two interactions."""
        box = self.page.get_by_role("combobox", name=select, exact=True)
        in_view(self.page, box)
        box.click()
        self.interactions += 1
        expect(box).to_have_attribute("aria-expanded", "true")
        before = share_link(self.page)
        self.page.get_by_role("option", name=option, exact=True).click()
        self.interactions += 1
        self._answered(before, None)

    def type(self, field: Locator, text: str, until: Callable[[], None] | None = None) -> None:
        """Types ``text`` over a text field's content and presses Enter: one interaction."""
        in_view(self.page, field)
        before = share_link(self.page)
        field.fill(text)
        field.press("Enter")
        self.interactions += 1
        self._answered(before, until)

    def edit_cell(self, grid: Locator, row: int, column: str, text: str) -> None:
        """Clicks a data editor's cell, types ``text`` and Enter: two interactions."""
        canvas = grid.get_by_test_id("data-grid-canvas")
        in_view(self.page, canvas)
        titles = [str(t).strip() for t in grid.locator("th[role=columnheader]").all_text_contents()]
        edges = grid_columns(canvas)
        # One column more than the headers name: the row selector at the left.
        assert len(edges) == len(titles) + 2, (edges, titles)
        index = titles.index(column) + 1
        box = canvas.bounding_box()
        assert box is not None
        y = box["y"] + HEADER_PX * (row + 1.5)
        self.page.mouse.click((edges[index] + edges[index + 1]) / 2, y)
        self.interactions += 1
        expect(grid.get_by_test_id(f"glide-cell-{index}-{row}")).to_have_attribute(
            "aria-selected", "true"
        )
        before = share_link(self.page)
        # The first key opens the cell's editor; the rest go to it once it is there.
        self.page.keyboard.press(text[0])
        editor = self.page.locator("#portal textarea")
        expect(editor).to_be_visible()
        editor.press_sequentially(text[1:])
        expect(editor).to_have_value(text)
        editor.press("Enter")
        self.interactions += 1
        self._answered(before, None)
