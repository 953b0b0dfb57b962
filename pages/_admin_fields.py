"""Forms described once: each field's name (as the domain form calls it), label and kind give its
component, the values to show for stored settings, and the values to hand back to the domain form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from dash import Output, State, dcc, html

Kind = Literal["text", "password", "long", "number", "optional_number", "bool", "choice", "multi", "lines", "dropdown"]
ON = "on"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = "text"
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    hint: str = ""
    max_length: int | None = None
    default: Any = None


def field_id(prefix: str, field: Field) -> str:
    return f"{prefix}-{field.name.replace('_', '-')}"


def _options(field: Field) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in field.options]


def control(prefix: str, field: Field) -> Any:
    """The labelled component, with its hint below it."""
    ident = field_id(prefix, field)
    hint = html.Small(field.hint, className="muted adm-hint") if field.hint else None
    box: Any
    if field.kind == "bool":
        box = dcc.Checklist(id=ident, options=[{"label": field.label, "value": ON}],
                            value=[ON] if field.default else [], className="adm-check")
        return html.Div([box, hint], className="adm-field")
    if field.kind in ("choice", "multi"):
        maker = dcc.RadioItems if field.kind == "choice" else dcc.Checklist
        group = maker(id=ident, options=_options(field), value=field.default, inline=True, className="adm-choices")
        return html.Fieldset([html.Legend(field.label), group, hint], className="adm-field")
    if field.kind == "dropdown":
        box = dcc.Dropdown(id=ident, options=_options(field), clearable=True)
        return html.Div([html.Label(field.label, htmlFor=ident), box, hint], className="adm-field")
    if field.kind in ("long", "lines"):
        box = dcc.Textarea(id=ident, value="", className="adm-textarea", maxLength=field.max_length)
    else:
        number = field.kind in ("number", "optional_number")
        kind = "number" if number else "password" if field.kind == "password" else "text"
        box = dcc.Input(id=ident, type=kind, value=None if number else "",
                        maxLength=field.max_length)
    return html.Div([html.Label(field.label, htmlFor=ident), box, hint], className="adm-field")


def controls(prefix: str, fields: tuple[Field, ...]) -> list[Any]:
    return [control(prefix, field) for field in fields]


def outputs(prefix: str, fields: tuple[Field, ...]) -> list[Output]:
    return [Output(field_id(prefix, f), "value", allow_duplicate=True) for f in fields]


def states(prefix: str, fields: tuple[Field, ...]) -> list[State]:
    return [State(field_id(prefix, f), "value") for f in fields]


def shown(fields: tuple[Field, ...], stored: dict[str, Any]) -> list[Any]:
    """Stored values as the components show them."""
    values = []
    for field in fields:
        value = stored.get(field.name)
        if field.kind == "bool":
            values.append([ON] if value else [])
        elif field.kind == "lines":
            values.append("\n".join(value or []))
        elif field.kind in ("multi", "number", "optional_number", "dropdown"):
            values.append(value)
        else:
            values.append("" if value is None else str(value))
    return values


def submitted(fields: tuple[Field, ...], values: tuple[Any, ...] | list[Any]) -> dict[str, Any]:
    """What the components hold, as the domain form takes it (the form validates)."""
    found: dict[str, Any] = {}
    for field, value in zip(fields, values, strict=True):
        if field.kind == "bool":
            found[field.name] = ON in (value or [])
        elif field.kind == "lines":
            found[field.name] = [line for line in (value or "").splitlines() if line.strip()]
        elif field.kind == "multi":
            found[field.name] = list(value or [])
        elif field.kind in ("optional_number", "dropdown"):
            found[field.name] = None if value in (None, "") else value
        elif field.kind == "number":
            found[field.name] = value if value not in (None, "") else None
        else:
            found[field.name] = value or ""
    return found


def labels(*groups: tuple[Field, ...]) -> dict[str, str]:
    return {field.name: field.label for group in groups for field in group}
