"""Notices about a link: each can be dismissed, and goes once its value is changed.

A notice concerns a global setting when its first code span names one
(``total_steps``); otherwise it concerns the list of curves. It vanishes once
that part of the view differs from what the link gave.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from explorer import curves as cv
from explorer import links

_FIRST_SPAN = re.compile(r"`([^`]*)`")
CURVES = "curve"


@dataclass(frozen=True)
class Notice:
    id: int
    text: str  # Markdown, text from the URL quoted
    concern: str  # a global key, or CURVES
    was: str  # that part of the view when the link was read


def concern_of(text: str) -> str:
    match = _FIRST_SPAN.search(text)
    key = match.group(1) if match else ""
    return key if key in links.GLOBAL_KEYS else CURVES


def snapshot(view: cv.View, concern: str) -> str:
    if concern in view.shared:
        return repr(view.shared[concern])
    return repr([links.curve_text(c, view) for c in view.curves])


def track(texts: Sequence[str], view: cv.View) -> list[Notice]:
    out = []
    for i, text in enumerate(texts):
        concern = concern_of(text)
        out.append(Notice(i, text, concern, snapshot(view, concern)))
    return out


def current(notices: Sequence[Notice], view: cv.View) -> list[Notice]:
    """The notices still worth showing: their value is as the link left it."""
    return [n for n in notices if snapshot(view, n.concern) == n.was]


def _dismiss(notice_id: int) -> None:
    kept = [n for n in st.session_state["notices"] if n.id != notice_id]
    st.session_state["notices"] = kept


def show(view: cv.View) -> None:
    """Each notice with a dismiss button; ones whose value changed are dropped for good."""
    kept = current(st.session_state["notices"], view)
    st.session_state["notices"] = kept
    for notice in kept:
        text, button = st.columns([20, 1], vertical_alignment="center")
        text.warning(notice.text, icon="🔗")
        button.button(
            "Dismiss",
            icon=":material/close:",
            type="tertiary",
            key=f"dismiss.{notice.id}",
            on_click=_dismiss,
            args=(notice.id,),
            help="Hide this notice",
        )
