"""The session's keys and their lifetimes, in one place.

- ``VIEW``: the page's ``View``, for the whole session. Written only by the
  callbacks in ``explorer.actions`` (and once from the link); a run only reads it.
- ``NOTICES``: what the link reader refused, until dismissed or its value changes.
- ``OPEN``: the id of the curve whose editor is open (one at a time), or ``None``.
- ``PASTE_MESSAGES``: what the last paste said, until the next paste.
- ``PLATEAU_FILE``, ``RUN_FILE``: the last uploaded metric and training-run files, as
  ``(name, bytes)``, until another is uploaded or the upload is cleared. They are
  never in the link.
- ``FOLD`` + name (``open.code``, ``open.setup``, ``open.paste``, ``open.<id>.formula``):
  what the user unfolded, for the session; ``forget`` leaves them alone.
- ``WIDGET`` + name: widget state, seeded from the view. It lives until the value it
  shows is changed by something other than that widget (a unit switch, "Make
  custom", a link), when ``forget`` drops it so the widget reseeds from the view.
- ``ERROR`` + widget key: why the text typed into that widget was refused, until the
  next edit of it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer import curves as cv

VIEW = "view"
NOTICES = "notices"
OPEN = "open_curve"
PASTE_MESSAGES = "paste.messages"
PLATEAU_FILE = "plateau.data"
RUN_FILE = "run.data"
FOLD = "open."
WIDGET = "w."
ERROR = "e."

ss = st.session_state


def view() -> cv.View:
    return ss[VIEW]  # type: ignore[no-any-return]


def commit(new: cv.View) -> None:
    """The one write of the view, from a callback, before the run that draws it."""
    ss[VIEW] = new


def seed(key: str, value: Any) -> None:
    """A widget's first value, from the view; later runs keep what the user set."""
    if key not in ss:
        ss[key] = value


def forget(prefix: str = WIDGET) -> None:
    """Drops widget state under ``prefix`` (and its errors) so those widgets reseed."""
    for key in [k for k in ss if str(k).startswith((prefix, ERROR + prefix))]:
        del ss[key]


def error(key: str) -> str | None:
    value = ss.get(ERROR + key)
    return str(value) if value else None


def set_error(key: str, text: str | None) -> None:
    if text is None:
        ss.pop(ERROR + key, None)
    else:
        ss[ERROR + key] = text


def open_curve() -> int | None:
    value = ss.get(OPEN)
    return value if isinstance(value, int) else None


def set_open(curve_id: int | None) -> None:
    ss[OPEN] = curve_id
