"""The product speaks Swedish and English; server-rendered texts live here."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sign in",
        "username": "Username",
        "password": "Password",
        "submit": "Sign in",
        "wrong_login": "Wrong username or password.",
        "other_language": "På svenska",
        "other_code": "sv",
    },
    "sv": {
        "title": "Logga in",
        "username": "Användarnamn",
        "password": "Lösenord",
        "submit": "Logga in",
        "wrong_login": "Fel användarnamn eller lösenord.",
        "other_language": "In English",
        "other_code": "en",
    },
}


def pick_language(*candidates: str | None) -> str:
    return next((c for c in candidates if c in TEXTS), "en")


def texts(language: str) -> dict[str, str]:
    return TEXTS[pick_language(language)]


UI_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dashboard": "Dashboard",
        "chats": "Chats",
        "statistics": "Statistics",
        "admin": "Admin",
        "present": "Present",
        "sign_out": "Sign out",
        "connecting": "Connecting…",
    },
    "sv": {
        "dashboard": "Dashboard",
        "chats": "Chattsamtal",
        "statistics": "Statistik",
        "admin": "Administration",
        "present": "Närvarande",
        "sign_out": "Logga ut",
        "connecting": "Ansluter…",
    },
}


def ui_text(language: str) -> dict[str, str]:
    return UI_TEXTS[pick_language(language)]
