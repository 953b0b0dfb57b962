"""The Chats tab (/workspace): my sessions, the conversation, and the contact panel."""

from __future__ import annotations

import dash
from dash import html

dash.register_page(__name__, path="/workspace", title="Chats")


def layout(**_query: str) -> html.Div:
    return html.Div("workspace", id="workspace")
