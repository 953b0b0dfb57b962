"""Dashboard labels in English and Swedish."""

from __future__ import annotations

DASHBOARD_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Dashboard", "channels": "Channels", "channel": "Channel", "total": "All selected",
        "waiting": "Waiting now", "longest_wait": "Longest wait", "present": "Agents present", "away": "Away",
        "active": "Active chats", "chats_today": "Chats today", "answered_today": "Answered today",
        "missed_today": "Missed today", "avg_wait": "Average wait", "avg_duration": "Average duration",
        "service_level": "Service level", "avg_rating": "Average rating", "incoming": "Incoming chats",
        "ongoing": "Ongoing chats", "agents": "Agents", "visitor": "Visitor", "question": "First question",
        "wait": "Waiting", "agent": "Agent", "duration": "Duration", "last_message": "Last message",
        "answer": "Answer", "listen": "Listen in", "presence": "Presence", "chats": "Chats today",
        "reply_wait": "Longest wait for a reply", "none_waiting": "Nobody is waiting.",
        "none_ongoing": "No ongoing chats.", "present_word": "Present", "away_word": "Away",
    },
    "sv": {
        "title": "Dashboard", "channels": "Kanaler", "channel": "Kanal", "total": "Alla valda",
        "waiting": "Väntar nu", "longest_wait": "Längsta väntetid", "present": "Närvarande handläggare",
        "away": "Borta", "active": "Aktiva chattar", "chats_today": "Chattar i dag",
        "answered_today": "Besvarade i dag",
        "missed_today": "Missade i dag", "avg_wait": "Genomsnittlig väntetid", "avg_duration": "Genomsnittlig längd",
        "service_level": "Servicenivå", "avg_rating": "Genomsnittligt betyg", "incoming": "Inkommande chattar",
        "ongoing": "Pågående chattar", "agents": "Handläggare", "visitor": "Besökare", "question": "Första fråga",
        "wait": "Väntar", "agent": "Handläggare", "duration": "Längd", "last_message": "Senaste meddelande",
        "answer": "Svara", "listen": "Lyssna", "presence": "Närvaro", "chats": "Chattar i dag",
        "reply_wait": "Längsta väntan på svar", "none_waiting": "Ingen väntar.",
        "none_ongoing": "Inga pågående chattar.", "present_word": "Närvarande", "away_word": "Borta",
    },
}


def dashboard_text(language: str) -> dict[str, str]:
    return DASHBOARD_TEXT["sv" if language == "sv" else "en"]
