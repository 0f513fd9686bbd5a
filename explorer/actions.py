"""What the user's actions do: each a widget callback that reads its widget's value
through the one door (``explorer.inputs``) and commits a new view.

Callbacks run before the script, so a run starts from a view that already holds
every edit, binds each curve once and draws everything from that. Refused text
leaves the view as it was and says why beside the widget (``state.set_error``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dynweights
from explorer import curves as cv
from explorer import paste, setup, state, uploads
from explorer.inputs import Value, count, number, parse_number, quote, read, value_text

ss = state.ss
SHARED_LABELS = {"total_steps": "Total steps", "init_lr": "Peak LR", "max_weight": "Max weight"}


def param_key(curve_id: int | str, name: str) -> str:
    """The widget of parameter ``name`` of a curve (``shared`` for the shared settings)."""
    return f"{state.WIDGET}{curve_id}.{name}"


def _read_into(
    key: str,
    parse: Callable[[str], Value],
    apply: Callable[[Value], None],
    current: Value | None = None,
) -> None:
    text = str(ss.get(key) or "")
    try:
        value = parse(text)
    except ValueError as err:
        kept = "the last good value" if current is None else quote(value_text(current) or "none")
        state.set_error(key, f"{err}; keeping {kept}.")
        return
    state.set_error(key, None)
    apply(value)


# --- shared settings --------------------------------------------------------------------


def shared_typed(name: str) -> None:
    """A shared setting typed as text: total steps, peak LR or max weight."""
    key = param_key("shared", name)
    param = cv.param_named(name)
    _read_into(
        key,
        lambda text: read(param, text, label=SHARED_LABELS[name]),
        lambda value: state.commit(cv.set_shared(state.view(), name, value)),
        state.view().shared[name],
    )


def shared_picked(name: str) -> None:
    """A shared choice or switch (units are ``units_changed``)."""
    value = ss[param_key("shared", name)]
    state.commit(cv.set_shared(state.view(), name, value))


def units_changed() -> None:
    units = str(ss[param_key("shared", "units")])
    state.commit(cv.convert_units(state.view(), units))
    _forget_curves()


def cursor_typed() -> None:
    key = param_key("shared", "step_cursor")
    high = int(cv.param_named("total_steps").max or dynweights.MAX_TOTAL_STEPS)

    def parse(text: str) -> Value:
        text = text.strip()
        if not text:
            return ""
        try:
            step = int(parse_number(text, integer=True))
        except ValueError as err:
            raise ValueError(f"Step cursor: {quote(text)} {err}") from None
        if step > high:
            raise ValueError(f"Step cursor: {quote(text)} is above {high:,}")
        return step

    _read_into(
        key, parse, lambda value: state.commit(cv.set_shared(state.view(), "step_cursor", value))
    )


SETUP_PLACES = ("setup", "paste")  # the setup panel, and beside the paste box


def setup_typed(name: str, place: str = "setup") -> None:
    key = param_key(place, name)

    def apply(value: Value) -> None:
        state.commit(cv.set_shared(state.view(), name, value))
        for other in SETUP_PLACES:
            if other != place:
                state.forget(param_key(other, name))

    _read_into(key, lambda text: _setup_value(name, text), apply)


def _setup_value(name: str, text: str) -> Value:
    try:
        return setup.parse(name, text.strip())
    except ValueError as err:
        raise ValueError(f"{setup.BY_NAME[name].label}: {quote(text)} {err}") from None


def setup_toggled(name: str) -> None:
    state.commit(cv.set_shared(state.view(), name, bool(ss[param_key("setup", name)])))


def use_steps(total: int) -> None:
    """The training setup's step count becomes the shared total steps."""
    state.commit(cv.set_shared(state.view(), "total_steps", total))
    state.forget(param_key("shared", "total_steps"))


# --- the list ---------------------------------------------------------------------------


def _forget_curves() -> None:
    """Every curve's widgets reseed from the view (their values were rewritten)."""
    state.forget()


def _open_last() -> None:
    v = state.view()
    state.set_open(v.curves[-1].id if v.curves else None)


def added() -> None:
    """A family (or custom phases) picked in "Add a curve"."""
    name = ss.get(f"{state.WIDGET}add")
    ss[f"{state.WIDGET}add"] = None
    if name is None:
        return
    v = state.view()
    if name == cv.EXPRESSION:
        curve = cv.new_curve(cv.EXPRESSION, v.shared)
    elif name == cv.CUSTOM:
        total = count(v.shared["total_steps"])
        first = cv.next_row([], v.units, total)
        length: Value = total if v.units == "steps" else 1.0
        first.update(length=length, start=0.0, end=v.shared["init_lr"])
        curve = cv.Curve(-1, cv.CUSTOM, {"total_steps": total}, rows=(first,))
    else:
        curve = cv.new_curve(str(name), v.shared)
    state.commit(cv.add(v, curve))
    _open_last()


def preset_added() -> None:
    name = ss.get(f"{state.WIDGET}preset")
    ss[f"{state.WIDGET}preset"] = None
    if name is None:
        return
    before = state.view()
    after = cv.add_preset(before, str(name))
    state.commit(after)
    if after.shared != before.shared:
        state.forget(param_key("shared", ""))
    _open_last()


def cleared() -> None:
    state.commit(cv.clear(state.view()))
    state.set_open(None)
    _forget_curves()


def toggle_open(curve_id: int) -> None:
    state.set_open(None if state.open_curve() == curve_id else curve_id)


def visible_toggled(curve_id: int) -> None:
    shown = bool(ss[param_key(curve_id, "visible")])
    state.commit(cv.set_visible(state.view(), curve_id, shown))


def duplicated(curve_id: int) -> None:
    state.commit(cv.duplicate(state.view(), curve_id))
    v = state.view()
    index = next(i for i, c in enumerate(v.curves) if c.id == curve_id)
    if index + 1 < len(v.curves):
        state.set_open(v.curves[index + 1].id)


def removed(curve_id: int) -> None:
    state.commit(cv.remove(state.view(), curve_id))
    state.forget(param_key(curve_id, ""))
    if state.open_curve() == curve_id:
        state.set_open(None)


def customized(curve_id: int) -> None:
    v = state.view()
    curve = v.find(curve_id)
    if curve is None:
        return
    custom = cv.make_custom(curve, v.shared)
    if isinstance(custom, cv.Curve):
        state.commit(cv.put(v, custom))
        state.forget(param_key(curve_id, ""))


# --- one curve's inputs -----------------------------------------------------------------


def param_typed(curve_id: int, name: str) -> None:
    """A curve's number or milestones, typed as text."""
    v = state.view()
    curve = v.find(curve_id)
    if curve is None:
        return
    param = next(p for p in curve.params() if p.name == name)
    key = param_key(curve_id, name)
    _read_into(
        key,
        lambda text: read(param, text, v.units),
        lambda value: state.commit(cv.set_param(state.view(), curve_id, name, value)),
        curve.own[name],
    )


def param_picked(curve_id: int, name: str) -> None:
    """A curve's choice or switch."""
    value = ss[param_key(curve_id, name)]
    if value is None:  # a segmented control clicked off: keep the choice
        curve = state.view().find(curve_id)
        if curve is not None:
            ss[param_key(curve_id, name)] = curve.own[name]
        return
    state.commit(cv.set_param(state.view(), curve_id, name, value))


def link_toggled(curve_id: int, name: str) -> None:
    """A curve follows the shared setting ``name``, or takes its own (from the shared value)."""
    linked = bool(ss[param_key(curve_id, f"link.{name}")])
    state.commit(cv.set_linked(state.view(), curve_id, name, linked))
    state.forget(param_key(curve_id, name))


def rows_edited(curve_id: int, base: Sequence[Mapping[str, Any]]) -> None:
    """The phases editor's changes, applied to the rows it was given (``cv.apply_edits``)."""
    v = state.view()
    curve = v.find(curve_id)
    if curve is None:
        return
    key = param_key(curve_id, "rows")
    total = cv.total_steps(curve, v.shared)
    rows, problems = cv.apply_edits(base, ss.get(key) or {}, v.units, total)
    message = "; ".join(problems[:5]) + "; keeping the last good values." if problems else None
    state.set_error(key, message)
    state.commit(cv.set_rows(state.view(), curve_id, rows))


# --- pasted configs -----------------------------------------------------------------------


def pasted() -> None:
    """A pasted config or code: one more curve, labelled by what was pasted."""
    v = state.view()
    text = str(ss.get("paste.text") or "")
    if v.full:
        ss[state.PASTE_MESSAGES] = [("error", f"Not added: at most {cv.MAX_CURVES} curves.")]
        return
    try:
        got = paste.read(text, v.shared)
        if got.bound.name in cv.IMPORTED:
            new, curve = v, cv.imported_curve(got.bound, got.label)
        else:
            new, curve = cv.curve_of(got.bound, v, title=got.label[:40])
    # Every failure is a message: a config nested too deep, a number too large for
    # the arithmetic, or a text that exhausts memory while parsing, as much as a bad field.
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as err:
        why = (
            str(err)[:300]
            if not isinstance(err, RecursionError | MemoryError)
            else ("it is nested too deeply or is too large to read")
        )
        ss[state.PASTE_MESSAGES] = [("error", f"Not added, the curves are unchanged: {why}")]
        return
    new = cv.add(new, curve)
    if got.run is not None:
        for key, value in setup.fields_of(got.run).items():
            new = cv.set_shared(new, key, value)
        state.forget(param_key("setup", ""))
    state.commit(new)
    what = paste.KINDS[got.kind]
    detail = f": {got.run.explain()}" if got.run is not None else ""
    messages = [
        (
            "success",
            f"Read as {what}. Added {curve.title}{detail}. It keeps its own "
            f"{got.bound.total_steps:,} steps and values: it does not follow later changes "
            "to the training setup or the shared settings.",
        )
    ]
    if got.run is not None:
        messages.append(
            ("info", "The training setup now holds its batch, accumulation and epochs.")
        )
    messages.extend(("info", f"Assumed {note}.") for note in got.assumed)
    if new.units != v.units:
        messages.append(("info", "Lengths are now in steps, so the config draws exactly."))
        _forget_curves()
    if got.bound.ignored:
        keys = ", ".join(k[:40] for k in got.bound.ignored[:10])
        if len(got.bound.ignored) > 10:
            keys += f" and {len(got.bound.ignored) - 10} more"
        messages.append(("info", f"Ignored fields that do not change the schedule: {keys}."))
    ss[state.PASTE_MESSAGES] = messages
    _open_last()


def uploaded(widget: str, into: str) -> None:
    """Keeps an uploaded file's name and bytes (or forgets them when it is cleared)."""
    upload = ss.get(widget)
    if upload is None:
        ss.pop(into, None)
    else:
        ss[into] = (str(upload.name), bytes(upload.getvalue()))


def plateau_added() -> None:
    """The uploaded metric's ReduceLROnPlateau curve, as constant phases."""
    v = state.view()
    upload = ss.get(state.PLATEAU_FILE)
    options: dict[str, object] = {"mode": ss.get("plateau.mode") or "min"}
    try:
        if upload is None:
            raise ValueError("upload a CSV of step,value first")
        file_name, data = upload
        steps, values = uploads.metric(data)
        for name, (label, integer, _) in uploads.PLATEAU_FIELDS.items():
            text = str(ss.get(f"plateau.{name}") or "").strip()
            try:
                options[name] = parse_number(text, integer=integer)
            except ValueError as err:
                raise ValueError(f"{label}: {quote(text)} {err}") from None
        lr = number(v.shared["init_lr"])
        items = uploads.plateau_phases(steps, values, lr, **options)
        title = f"Plateau on {file_name[:30]}"
        view, curve = cv.curve_of(dynweights.phases(items), v, title=title)
    except (ValueError, TypeError, OverflowError) as err:
        ss["plateau.messages"] = [("error", f"Not added: {str(err)[:300]}")]
        return
    state.commit(cv.add(view, curve))
    cuts = len(items) - 1
    ss["plateau.messages"] = [
        ("success", f"Added {curve.title}: {len(values):,} values, {cuts} cut(s) of the rate.")
    ]
    _open_last()
