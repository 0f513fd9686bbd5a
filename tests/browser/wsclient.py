"""A visitor without a browser: the page's own websocket, spoken as its client speaks it.

A Chromium page costs seconds of CPU here, a session on the server a fraction
of one, so what the server does (its latency, its memory, what each session is
sent) is measured with this client. It sends what the page's frontend sends:
``rerun_script`` BackMsgs holding the query string and the widgets' states, a
button's click as its ``trigger_value``. It reads every ForwardMsg until the
run finishes and keeps the elements, so a test reads the charts (Plotly figure
JSON) and messages each session was sent.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

from .harness import RENDER_TIMEOUT_MS, StreamlitServer

# What each widget kind's state is in a WidgetState proto (as the frontend sends it).
_STATE_FIELD = {
    "button": "trigger_value",
    "checkbox": "bool_value",
    "text_input": "string_value",
    "text_area": "string_value",
}
_DTYPES = {"i1": np.int8, "i2": np.int16, "i4": np.int32, "f4": np.float32, "f8": np.float64}


@dataclass(frozen=True)
class Trace:
    name: str
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Element:
    """One element a run sent: where it goes, its kind and its proto."""

    path: tuple[int, ...]
    kind: str
    proto: Any

    @property
    def key(self) -> str:
        """The widget's (or chart's) user key, from its id ``$$ID-<hash>-<key>``."""
        ident = str(getattr(self.proto, "id", ""))
        parts = ident.split("-", 2)
        return parts[2] if len(parts) == 3 else ""


@dataclass
class Run:
    """What one script run sent to its session, and how long it took (send to finish)."""

    seconds: float
    elements: list[Element] = field(default_factory=list)
    query: str | None = None  # the query string the run wrote into the URL, if it did

    def of(self, kind: str) -> list[Element]:
        return [e for e in self.elements if e.kind == kind]

    def alerts(self) -> list[str]:
        return [str(e.proto.body) for e in self.of("alert")]

    def charts(self) -> dict[str, list[Trace]]:
        """Each Plotly chart's traces, by the chart's key, decoded from the figure JSON."""
        return {e.key: traces(e.proto.spec) for e in self.of("plotly_chart")}


def _array(value: Any) -> np.ndarray:
    """A Plotly array: packed binary ``{dtype, bdata}`` or a plain list."""
    if isinstance(value, dict):
        dtype = np.dtype(_DTYPES[value["dtype"]]).newbyteorder("<")
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
    return np.asarray(value)


def same_charts(a: Mapping[str, list[Trace]], b: Mapping[str, list[Trace]]) -> bool:
    """The same charts, with the same traces: names, steps and values, exactly."""
    return list(a) == list(b) and all(
        [(t.name, t.x.tolist(), t.y.tolist()) for t in a[key]]
        == [(t.name, t.x.tolist(), t.y.tolist()) for t in b[key]]
        for key in a
    )


def traces(spec: str) -> list[Trace]:
    figure = json.loads(spec)
    return [Trace(t.get("name", ""), _array(t["x"]), _array(t["y"])) for t in figure["data"]]


class Session:
    """One visitor's websocket session on ``server``; a context manager that hangs up."""

    def __init__(self, server: StreamlitServer, timeout_s: float = RENDER_TIMEOUT_MS / 1000):
        self.server = server
        self.timeout_s = timeout_s
        self.query = ""
        self.kinds: dict[str, tuple[str, str]] = {}  # widget key -> (id, kind)
        self._closing = ExitStack()
        self._socket: ClientConnection = self._closing.enter_context(
            connect(
                f"ws://127.0.0.1:{server.port}/_stcore/stream",
                subprotocols=[Subprotocol("streamlit")],
                origin=Origin(server.url.rstrip("/")),
                open_timeout=timeout_s,
                max_size=None,
            )
        )

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closing.close()

    def open(self, query: str = "") -> Run:
        """The first run, as a page opened at ``?query`` starts it."""
        self.query = query
        return self.rerun()

    def rerun(self, widgets: Mapping[str, str | bool] | None = None) -> Run:
        """One run with these widgets' new values (by key), the others as they were.

        A button is clicked by giving it ``True``. Raises if the run raised, or did
        not finish successfully within the timeout.
        """
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.context_info.url = self.server.url
        state.context_info.timezone = "UTC"
        for key, value in (widgets or {}).items():
            ident, kind = self.kinds[key]
            widget = state.widget_states.widgets.add()
            widget.id = ident
            setattr(widget, _STATE_FIELD[kind], value)
        started = time.monotonic()
        self._socket.send(back.SerializeToString())
        run = Run(0.0)
        while True:
            left = started + self.timeout_s - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the run did not finish within {self.timeout_s:g} s")
            try:
                data = self._socket.recv(timeout=left)
            except TimeoutError:
                raise TimeoutError(f"the run did not finish within {self.timeout_s:g} s") from None
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element_kind = str(msg.delta.new_element.WhichOneof("type"))
                proto = getattr(msg.delta.new_element, element_kind)
                if element_kind == "exception":
                    raise AssertionError(f"the run raised: {proto.type}: {proto.message}")
                element = Element(tuple(msg.metadata.delta_path), element_kind, proto)
                run.elements.append(element)
                if element.key and element_kind in _STATE_FIELD:
                    self.kinds[element.key] = (str(proto.id), element_kind)
            elif kind == "page_info_changed":
                run.query = self.query = str(msg.page_info_changed.query_string)
            elif kind == "script_finished":
                run.seconds = time.monotonic() - started
                status = msg.script_finished
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise AssertionError(f"the run finished with status {status}")
                return run
