"""The three panes of the workspace. Live parts are filled by assets/workspace.js over the socket."""

from __future__ import annotations

from dash import dcc, html

EMOJI = ("😀", "🙂", "😉", "👍", "🙏", "🎉", "❤️", "👋")
PRIORITIES = ("low", "normal", "high", "urgent")
CATEGORIES = ("Chat", "Support", "Sales", "Billing", "Technical")


def _button(label: str, button_id: str, *, hidden: bool = False, kind: str = "secondary") -> html.Button:
    return html.Button(label, id=button_id, hidden=hidden, className=f"btn btn-{kind}", n_clicks=0)


def left_pane(t: dict[str, str]) -> html.Aside:
    return html.Aside(className="ws-left", children=[
        html.H2(t["my_chats"]),
        html.P([t["in_queue"], ": ", html.Strong("0", id="ws-queue-count")], className="ws-queue"),
        _button(t["get_next"], "ws-get-next", kind="primary"),
        html.Div(id="ws-session-list", role="list", className="ws-session-list"),
    ])


def _transfer_panel(t: dict[str, str]) -> html.Div:
    return html.Div(id="ws-transfer-panel", hidden=True, className="ws-panel", children=[
        html.Label(t["transfer_to"], htmlFor="ws-transfer-target"),
        dcc.Dropdown(id="ws-transfer-target", options=[], clearable=False),
        _button(t["send_transfer"], "ws-transfer-send", kind="primary"),
        html.Div(id="ws-transfer-feedback", role="status"),
    ])


def _request_panel(t: dict[str, str]) -> html.Div:
    return html.Div(id="ws-request-panel", hidden=True, className="ws-panel", children=[
        html.Label(t["title"], htmlFor="ws-request-title"),
        dcc.Input(id="ws-request-title", type="text", maxLength=255),
        html.Label(t["category"], htmlFor="ws-request-category"),
        dcc.Dropdown(id="ws-request-category", options=list(CATEGORIES), value="Chat", clearable=False),
        html.Label(t["priority"], htmlFor="ws-request-priority"),
        dcc.Dropdown(id="ws-request-priority", options=list(PRIORITIES), value="normal", clearable=False),
        _button(t["save_request"], "ws-request-save", kind="primary"),
        html.Div(id="ws-request-feedback", role="status"),
    ])


def _transfer_banner(t: dict[str, str]) -> html.Div:
    return html.Div(id="ws-transfer-banner", hidden=True, className="ws-banner", children=[
        html.Span("⚠ ", className="warn-icon", **{"aria-hidden": "true"}),
        html.Span(id="ws-transfer-text"),
        _button(t["accept_transfer"], "ws-accept", kind="primary"),
        _button(t["reject_transfer"], "ws-reject"),
        _button(t["cancel_transfer"], "ws-cancel-transfer"),
    ])


def _insert_panel(t: dict[str, str]) -> html.Details:
    return html.Details(className="ws-insert", children=[
        html.Summary(t["insert"]),
        dcc.RadioItems(id="ws-insert-kind", value="template", inline=True, options=[
            {"label": t["templates"], "value": "template"},
            {"label": t["faq"], "value": "faq"},
            {"label": t["quick_replies"], "value": "quick_reply"},
        ]),
        html.Label(t["search"], htmlFor="ws-insert-search", className="sr-label"),
        dcc.Input(id="ws-insert-search", type="search", placeholder=t["search"], debounce=0.3),
        html.Div(id="ws-insert-list", className="ws-insert-list"),
        html.Details(className="ws-qr-editor", children=[
            html.Summary(t["new_quick_reply"]),
            html.Label(t["name"], htmlFor="ws-qr-name"),
            dcc.Input(id="ws-qr-name", type="text", maxLength=255),
            html.Label(t["text"], htmlFor="ws-qr-body"),
            dcc.Textarea(id="ws-qr-body", maxLength=1024),
            _button(t["save_quick_reply"], "ws-qr-save"),
            html.Div(id="ws-qr-feedback", role="status"),
        ]),
    ])


def middle_pane(t: dict[str, str]) -> html.Section:
    return html.Section(className="ws-middle", children=[
        html.P(t["select_chat"], id="ws-empty", className="ws-empty"),
        html.Div(id="ws-conversation", hidden=True, children=[
            html.Header(className="ws-conv-header", children=[
                html.H2(id="ws-title"), html.Span(id="ws-subtitle", className="muted"),
                html.Div(className="ws-toolbar", children=[
                    _button(t["end_chat"], "ws-end"),
                    _button(t["transfer"], "ws-transfer-open"),
                    _button(t["create_request"], "ws-request-open"),
                    _button(t["allow_upload"], "ws-allow-upload"),
                ]),
            ]),
            _transfer_banner(t),
            _transfer_panel(t),
            _request_panel(t),
            html.Div(id="ws-messages", role="log", className="ws-messages", **{"aria-live": "polite"}),
            html.Div(id="ws-peek", className="ws-peek", **{"aria-live": "polite"}),
            html.P(id="ws-listening-note", hidden=True, className="muted"),
            html.Div(id="ws-supervise", hidden=True, className="ws-panel", children=[
                html.Label(t["whisper_label"], htmlFor="ws-whisper"),
                dcc.Textarea(id="ws-whisper", value="", maxLength=1024, className="ws-composer-input"),
                _button(t["send_whisper"], "ws-whisper-send", kind="primary"),
                _button(t["take_over"], "ws-take-over", hidden=True),
            ]),
            html.Div(id="ws-composer-area", className="ws-composer", children=[
                dcc.Upload(id="ws-upload", className="ws-upload", multiple=False,
                           children=html.Span(t["attach"], className="link-button")),
                html.Div(id="ws-upload-feedback", role="status"),
                html.Label(t["message"], htmlFor="ws-composer"),
                dcc.Textarea(id="ws-composer", value="", maxLength=1024, className="ws-composer-input"),
                html.Div(className="ws-composer-actions", children=[
                    *[html.Button(e, className="emoji", n_clicks=0, **{"data-emoji": e, "aria-label": e})
                      for e in EMOJI],
                    _button(t["send"], "ws-send", kind="primary"),
                ]),
                _insert_panel(t),
            ]),
            html.Div(id="ws-error", role="alert", className="ws-error"),
        ]),
    ])


def right_pane(t: dict[str, str]) -> html.Aside:
    return html.Aside(className="ws-right", children=[
        html.H2(t["contact"]),
        html.Div(id="ws-contact", children=t["no_chat"]),
        html.Div(id="ws-transcript", hidden=True, className="ws-modal", role="dialog", children=[
            html.Button(t["close"], id="ws-transcript-close", n_clicks=0, className="btn btn-secondary"),
            html.Pre(id="ws-transcript-body"),
        ]),
    ])


def workspace_layout(t: dict[str, str]) -> html.Div:
    return html.Div(className="workspace", children=[
        dcc.Store(id="ws-open-session"),
        dcc.Store(id="ws-contact-version", data=0),
        left_pane(t),
        middle_pane(t),
        right_pane(t),
    ])
