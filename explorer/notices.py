"""Notices about a link: at most ``SHOWN`` of them, each dismissable, each gone once
its value is changed.

A notice concerns a global setting when its first code span names one
(``total_steps``); otherwise it concerns the list of curves. It vanishes once
that part of the view differs from what the link gave. A notice keeps only a
hash of that part, never a copy of the view.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from explorer import curves as cv
from explorer import links, state

_FIRST_SPAN = re.compile(r"`([^`]*)`")
CURVES = "curve"
SHOWN = 20


@dataclass(frozen=True)
class Notice:
    id: int
    text: str  # Markdown, text from the URL quoted (inert code spans)
    concern: str  # a global key, or CURVES
    was: int  # hash of that part of the view when the link was read


def concern_of(text: str) -> str:
    match = _FIRST_SPAN.search(text)
    key = match.group(1) if match else ""
    return key if key in links.GLOBAL_KEYS else CURVES


def snapshot(view: cv.View, concern: str) -> int:
    if concern in view.shared:
        return hash(repr(view.shared[concern]))
    return hash(tuple(links.curve_text(c, view) for c in view.curves))


def track(texts: Sequence[str], view: cv.View) -> list[Notice]:
    """The first ``SHOWN`` notices, then one saying how many more were ignored."""
    kept = list(texts[:SHOWN])
    if len(texts) > SHOWN:
        kept.append(f"… and {len(texts) - SHOWN:,} more problems in the link, ignored.")
    snaps: dict[str, int] = {}
    out = []
    for i, text in enumerate(kept):
        concern = concern_of(text)
        if concern not in snaps:
            snaps[concern] = snapshot(view, concern)
        out.append(Notice(i, text, concern, snaps[concern]))
    return out


def current(notices: Sequence[Notice], view: cv.View) -> list[Notice]:
    """The notices still worth showing: their value is as the link left it."""
    snaps: dict[str, int] = {}
    out = []
    for n in notices:
        if n.concern not in snaps:
            snaps[n.concern] = snapshot(view, n.concern)
        if snaps[n.concern] == n.was:
            out.append(n)
    return out


def _dismiss(notice_id: int) -> None:
    kept = [n for n in state.ss[state.NOTICES] if n.id != notice_id]
    state.ss[state.NOTICES] = kept


def show(view: cv.View) -> None:
    """Each notice with a dismiss button; ones whose value changed are dropped for good."""
    kept = current(state.ss.get(state.NOTICES, []), view)
    state.ss[state.NOTICES] = kept
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
