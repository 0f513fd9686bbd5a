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


# --- a visitor's actions, as the page offers them; each returns the rerun page ------------


def key(curve: int | str, name: str) -> str:
    """A widget's key: ``curve`` is a curve id, or ``shared``, ``setup``, ``paste``."""
    return f"w.{curve}.{name}"


def curve_id(at: AppTest, index: int) -> int:
    return view(at).curves[index].id


def type_text(at: AppTest, widget_key: str, text: str) -> AppTest:
    """Types ``text`` into a text field and presses Enter."""
    at.text_input(key=widget_key).input(text)
    return at.run()


def type_shared(at: AppTest, name: str, text: str) -> AppTest:
    return type_text(at, key("shared", name), text)


def add_family(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="w.add").set_value(name)
    return at.run()


def add_preset(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="w.preset").set_value(name)
    return at.run()


def clear_all(at: AppTest) -> AppTest:
    at.button(key="w.clear").click()
    return at.run()


def open_editor(at: AppTest, index: int) -> AppTest:
    """Opens curve ``index``'s editor (one is open at a time), unless it is open."""
    cid = curve_id(at, index)
    if "open_curve" in at.session_state and at.session_state["open_curve"] == cid:
        return at
    at.button(key=key(cid, "edit")).click()
    return at.run()


def type_param(at: AppTest, index: int, name: str, text: str) -> AppTest:
    at = open_editor(at, index)
    return type_text(at, key(curve_id(at, index), name), text)


def pick_param(at: AppTest, index: int, name: str, value: Any) -> AppTest:
    """A choice (segmented control or select box) or a switch of curve ``index``."""
    at = open_editor(at, index)
    k = key(curve_id(at, index), name)
    for kind in ("button_group", "selectbox", "toggle"):
        found = [w for w in at.get(kind) if getattr(w, "key", None) == k]
        if found:
            found[0].set_value(value)
            return at.run()
    raise LookupError(k)


def set_linked(at: AppTest, index: int, name: str, linked: bool) -> AppTest:
    at = open_editor(at, index)
    at.toggle(key=key(curve_id(at, index), f"link.{name}")).set_value(linked)
    return at.run()


def switch_units(at: AppTest, units: str) -> AppTest:
    at.radio(key=key("shared", "units")).set_value(units)
    return at.run()


def set_visible(at: AppTest, index: int, visible: bool) -> AppTest:
    at.toggle(key=key(curve_id(at, index), "visible")).set_value(visible)
    return at.run()


def click(at: AppTest, index: int, action: str) -> AppTest:
    """``dup``, ``rm`` or ``custom`` (Make custom; its editor must be open) on curve ``index``."""
    if action == "custom":
        at = open_editor(at, index)
    at.button(key=key(curve_id(at, index), action)).click()
    return at.run()


def paste(at: AppTest, text: str, examples: str | None = None) -> AppTest:
    if examples is not None:
        at = type_text(at, key("paste", "num_examples"), examples)
    at.text_area(key="paste.text").input(text)
    at.button(key="paste.add").click()
    return at.run()


def reopen(at: AppTest) -> AppTest:
    """A fresh session opening this page's share link."""
    return open_app(link(at))


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def captions(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.caption]


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
