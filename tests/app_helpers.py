"""Reading the explorer's page in AppTest: figures, widget values and downloads.

Shared by test_app.py and test_hostile_links.py. Nothing here asserts; the
tests do.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Element

import dynweights
from explorer import curves as cv

APP = Path(__file__).resolve().parent.parent / "app.py"
TITLES = {"weight": "Dynamic weights", "lr": "Learning-rate schedules"}
Query = Mapping[str, str | list[str]]


def open_app(query: Query | None = None) -> AppTest:
    """Runs the app once, as a visitor opening a link with ``query``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def unfold(at: AppTest, *keys: str) -> AppTest:
    """Opens the folded sections ``keys`` (``open.code``, ``open.<id>.formula``) as a click does."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def unpack(data: Any) -> NDArray[Any]:
    """A Plotly array from JSON: packed ``{"dtype", "bdata"}`` or a plain list."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype="<" + data["dtype"])
    return np.asarray(data)


def figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """Every Plotly figure on the page, by its title."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def traces(fig: Mapping[str, Any]) -> dict[str, tuple[NDArray[Any], NDArray[Any]]]:
    """``{trace label: (steps, values)}`` of a figure."""
    return {t["name"]: (unpack(t["x"]), unpack(t["y"])) for t in fig["data"]}


def trace_labels(at: AppTest, family: str) -> list[str]:
    return [t["name"] for t in figures(at)[TITLES[family]]["data"]]


def view(at: AppTest) -> cv.View:
    """The page's view: its shared settings and its list of curves."""
    return at.session_state["view"]  # type: ignore[no-any-return]


def bounds(at: AppTest) -> list[dynweights.Bound | None]:
    """Each curve of the list as a bound schedule, ``None`` where it is not valid."""
    v = view(at)
    out: list[dynweights.Bound | None] = []
    for curve in v.curves:
        try:
            out.append(cv.bind(curve, v.shared))
        except ValueError:
            out.append(None)
    return out


def link(at: AppTest) -> dict[str, list[str]]:
    return {k: at.query_params[k] for k in at.query_params}


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


def link_notices(at: AppTest) -> list[str]:
    """The notices about the link (icon 🔗), not the curves' own cautions."""
    return [str(w.value) for w in at.warning if w.icon == "🔗"]


def cautions(at: AppTest) -> list[str]:
    """The curves' cautions shown in their cards (icon ⚠️)."""
    return [str(w.value) for w in at.warning if w.icon == "⚠️"]


def elements(at: AppTest) -> Iterator[Element]:
    for node in [*at.main, *at.sidebar]:
        if isinstance(node, Element):
            yield node


def proto_strings(message: Any) -> Iterator[str]:
    """Every string field of a protobuf message, recursively."""
    for _, value in message.ListFields():
        repeated = not isinstance(value, str | bytes) and not hasattr(value, "ListFields")
        for item in value if repeated and hasattr(value, "__iter__") else [value]:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from proto_strings(item)


_CODE_SPAN = re.compile(r"`[^`]*`")


def outside_code_spans(text: str) -> str:
    """Markdown text with its inline code spans removed: what renders as markup."""
    return _CODE_SPAN.sub("", text)


def record_downloads(monkeypatch: Any) -> dict[str, tuple[str | None, Callable[[], Any]]]:
    """Makes AppTest keep each deferred download's file name and callable, by file id.

    The app passes callables to ``st.download_button`` so files are built only
    on click; AppTest's media manager is created per run, so it is swapped for
    one that remembers them.
    """
    recorded: dict[str, tuple[str | None, Callable[[], Any]]] = {}

    class Recording(MediaFileManager):
        def add_deferred(
            self,
            data_callable: Callable[[], Any],
            mimetype: str | None,
            coordinates: str,
            file_name: str | None = None,
            **kwargs: Any,
        ) -> str:
            file_id = super().add_deferred(
                data_callable, mimetype, coordinates, file_name, **kwargs
            )
            recorded[file_id] = (file_name, data_callable)
            return file_id

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recording)
    return recorded


def download(
    at: AppTest, label: str, recorded: Mapping[str, tuple[str | None, Callable[[], Any]]]
) -> tuple[str | None, str]:
    """``(file name, text)`` that clicking the download button ``label`` gives."""
    (button,) = [b for b in at.get("download_button") if b.proto.label == label]
    file_name, make = recorded[button.proto.deferred_file_id]
    return file_name, make()
