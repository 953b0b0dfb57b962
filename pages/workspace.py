"""The Chats tab (/workspace): my sessions, the conversation, and the contact panel."""

from __future__ import annotations

import dash
from dash import html

from pages import _workspace_callbacks  # noqa: F401 - registers the page's callbacks
from pages._auth import current_viewer
from pages._workspace_layout import workspace_layout
from pages._workspace_text import workspace_text

dash.register_page(__name__, path="/workspace", title="Chats")


def layout(**_query: str) -> html.Div:
    viewer = current_viewer()
    return workspace_layout(workspace_text(viewer.language if viewer else "en"))
