"""The channel editor's sections: which fields each has, and how the editor is laid out."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from chat.actions.admin_channels import PRECHAT_FIELDS, PRIORITIES
from pages._admin_common import register_tabs, tab_bar, tab_panel
from pages._admin_fields import Field, controls
from pages._admin_hours import hours_section
from pages._admin_members import members_section
from pages._admin_preview import preview_panel

PROPERTIES = (
    Field("name", "Name", max_length=255),
    Field("language", "Language", "choice", (("en", "English"), ("sv", "Swedish"))),
    Field("badge_header", "Badge header (the text on the chat button)", max_length=255),
    Field("description", "Internal description", "long", max_length=4000),
    Field("agent_warning_minutes", "Agent warning after (minutes unanswered)", "number"),
    Field("manager_warning_minutes", "Manager warning after (minutes unanswered)", "number"),
    Field("warn_on_new_message", "Warn agents on each new message from the visitor", "bool"),
    Field("service_level_seconds", "Service level: answered within (seconds)", "number"),
)
LAYOUT = (
    Field("theme", "Theme", "choice", (("modern", "Modern"), ("classic", "Classic"))),
    Field("size", "Size", "choice", (("normal", "Normal"), ("large", "Large"))),
    Field("color", "Base colour", hint="#rrggbb: the chat button, header and the visitor's messages", max_length=7),
    Field("header_color", "Header colour", hint="Empty: the base colour", max_length=7),
    Field("background_color", "Background colour", hint="Empty: white", max_length=7),
    Field("text_color", "Text colour", hint="Empty: near black", max_length=7),
    Field("agent_bubble_color", "Colour of the agent's messages", hint="Empty: light grey", max_length=7),
    Field("font", "Font", hint="Font names, for example: Georgia, serif (empty: the system font)", max_length=100),
    Field("font_size", "Font size (pixels, 12–20)", "number"),
    Field("logo_url", "Logo (web address of an image)", max_length=1024),
    Field("title", "Header title", hint="Empty: the channel's name", max_length=255),
    Field("subtitle", "Header subtitle (shown until an agent answers)", max_length=255),
    Field("welcome_message", "Welcome message", "long", hint="Shown to the visitor when an agent answers",
          max_length=1024),
    Field("queue_message", "Queue message", "long", max_length=1024,
          hint="{position} is the visitor's place in the queue, {wait} the estimated wait; empty: a standard text"),
)
FORMS = (
    Field("prechat_enabled", "Ask for contact details before the chat (pre-chat form)", "bool"),
    Field("prechat_required_fields", "Required fields", "multi",
          tuple((name, name.capitalize()) for name in PRECHAT_FIELDS)),
    Field("consent_text", "Consent text", "long", hint="Empty: no consent is asked", max_length=1024),
    Field("faq_folder_id", "FAQ folder for suggestions", "dropdown", hint="Empty: no suggestions before the queue"),
    Field("offline_request_category", "Category of requests from the offline form", max_length=64),
    Field("offline_request_priority", "Priority of those requests", "choice",
          tuple((p, p.capitalize()) for p in PRIORITIES)),
    Field("offer_transcript", "Offer the transcript by e-mail after the chat", "bool"),
    Field("rating_text", "Rating question after the chat", max_length=255),
    Field("request_from_queue_after_minutes", "Offer “Leave a request” after this many minutes in the queue",
          "optional_number", hint="Empty: not by time"),
    Field("request_from_queue_length", "… or when this many chats are waiting", "optional_number",
          hint="Empty: not by queue length"),
)
ORIGINS = (
    Field("allowed_origins", "Websites that may show this chat (one per line)", "lines",
          hint="For example https://shop.example.com or https://*.example.com; empty: every website"),
)
TABS = ("Properties", "Opening hours", "Widget layout", "Forms", "Websites and embed", "Members")


def _save(label: str, ident: str) -> list[Any]:
    return [html.Button(label, id=f"{ident}-save", n_clicks=0, className="btn btn-primary"),
            html.Div(id=f"{ident}-feedback", **{"aria-live": "polite"})]


def channel_editor() -> list[Any]:
    return [
        html.Div([html.H2(id="adm-editor-title"), html.Span(id="adm-editor-state", className="muted"),
                  html.Button("Delete channel", id="adm-delete", n_clicks=0, className="btn"),
                  html.Button("Restore channel", id="adm-restore", n_clicks=0, className="btn", hidden=True)],
                 className="adm-editor-head"),
        html.Div(id="adm-delete-confirm", hidden=True, className="ws-banner", children=[
            html.P(id="adm-delete-question"),
            html.Button("Yes, delete the channel", id="adm-delete-yes", n_clicks=0, className="btn btn-primary"),
            html.Button("Cancel", id="adm-delete-no", n_clicks=0, className="btn"),
        ]),
        html.Div(id="adm-editor-feedback", **{"aria-live": "polite"}),
        tab_bar("adm", TABS),
        tab_panel("adm", 0, [*controls("adm-prop", PROPERTIES), *_save("Save properties", "adm-prop")]),
        tab_panel("adm", 1, hours_section()),
        tab_panel("adm", 2, [html.Div(className="adm-layout", children=[
            html.Div([*controls("adm-look", LAYOUT), *_save("Save layout", "adm-look")]),
            preview_panel(),
        ])]),
        tab_panel("adm", 3, [*controls("adm-forms", FORMS), *_save("Save forms", "adm-forms")]),
        tab_panel("adm", 4, [*controls("adm-sites", ORIGINS), *_save("Save websites", "adm-sites"),
                   html.H3("Embed the chat"),
                   html.P("Put this line on every page that shows the chat, just before </body>:"),
                   html.Div([html.Pre(id="adm-embed-code", className="adm-code"),
                             dcc.Clipboard(target_id="adm-embed-code", title="Copy the snippet",
                                           className="adm-copy")], className="adm-embed")]),
        tab_panel("adm", 5, members_section()),
    ]


register_tabs("adm")
