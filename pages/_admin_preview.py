"""A live preview of the widget while the admin edits its layout (nothing is saved until "Save layout")."""

from __future__ import annotations

import re
from typing import Any

from dash import html

from chat.actions.forms import check_colour, check_http_url

EXAMPLE_QUEUE = {"position": "2", "wait": "about 3 minutes"}
STANDARD_QUEUE = "You are number {position} in the queue. Estimated wait: {wait}."
DEFAULTS = {"color": "#0b5fff", "background_color": "#ffffff", "text_color": "#1b1f29",
            "agent_bubble_color": "#eef0f4"}


def preview_panel() -> html.Aside:
    return html.Aside([html.H3("Preview"), html.Div(id="adm-preview", className="adm-preview")],
                      className="adm-preview-box", **{"aria-label": "Preview of the chat widget"})


def text_on(colour: str) -> str:
    """Black or white text, whichever reads better (the widget's own rule, assets/widget-dom.js)."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111" if luminance > 0.35 else "#fff"


def _colours(values: dict[str, Any], problems: list[str]) -> dict[str, str]:
    colours: dict[str, str] = {}
    for name in ("color", "header_color", "background_color", "text_color", "agent_bubble_color"):
        try:
            colours[name] = check_colour(values.get(name) or "")
        except ValueError as error:
            problems.append(str(error))
            colours[name] = ""
    base = colours["color"] or DEFAULTS["color"]
    return {"base": base, "header": colours["header_color"] or base,
            **{key: colours[key] or DEFAULTS[key] for key in ("background_color", "text_color", "agent_bubble_color")}}


def render_preview(values: dict[str, Any], name: str, badge: str) -> list[Any]:
    problems: list[str] = []
    colours = _colours(values, problems)
    radius = "3px" if values.get("theme") == "classic" else "16px"
    size = values.get("font_size") if isinstance(values.get("font_size"), int) else 15
    logo = values.get("logo_url") or ""
    try:
        check_http_url(logo)
    except ValueError as error:
        problems.append(f"Logo {error}")
        logo = ""
    queue_text = re.sub(r"\{(position|wait)\}", lambda m: EXAMPLE_QUEUE[m.group(1)],
                        values.get("queue_message") or STANDARD_QUEUE)
    header = html.Div(className="adm-preview-header",
                      style={"background": colours["header"], "color": text_on(colours["header"])}, children=[
        html.Img(src=logo, alt="", className="adm-preview-logo") if logo else None,
        html.Div([html.Strong(values.get("title") or name or "Chat"),
                  html.Div(values.get("subtitle") or "", className="adm-preview-subtitle")]),
    ])
    body = html.Div(className="adm-preview-body", children=[
        html.P(queue_text, className="adm-preview-queue"),
        html.P(values.get("welcome_message") or "(no welcome message)", className="adm-preview-system"),
        html.P("Hi! I have a question about my invoice.", className="adm-preview-visitor",
               style={"background": colours["base"], "color": text_on(colours["base"])}),
        html.P("Of course, I'm looking it up for you.", className="adm-preview-agent",
               style={"background": colours["agent_bubble_color"], "color": text_on(colours["agent_bubble_color"])}),
    ])
    large = " large" if values.get("size") == "large" else ""
    panel = html.Div([header, body], className="adm-preview-panel" + large,
                     style={"borderRadius": radius, "background": colours["background_color"],
                            "color": colours["text_color"], "fontSize": f"{size}px",
                            "fontFamily": values.get("font") or "system-ui, sans-serif"})
    launcher = html.Div(badge or "Chat with us", className="adm-preview-launcher",
                        style={"background": colours["base"], "color": text_on(colours["base"]),
                               "borderRadius": radius if values.get("theme") == "classic" else "999px"})
    notes = [html.Ul([html.Li(p) for p in problems], className="adm-error")] if problems else []
    return [panel, launcher, *notes]
