"""Labels of the statistics page in English and Swedish (the viewer's language picks one)."""

from __future__ import annotations

import math

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Statistics", "overview": "Overview", "staffing": "Staffing planner",
        "period": "Period", "from": "From", "to": "To", "channels": "Channels", "agents": "Agents",
        "all_channels": "All channels", "all_agents": "All agents", "granularity": "Per",
        "today": "Today", "yesterday": "Yesterday", "last_7_days": "Last 7 days", "last_30_days": "Last 30 days",
        "this_month": "This month", "last_month": "Last month", "custom": "Custom",
        "hour": "Hour", "day": "Day", "week": "Week", "month": "Month",
        "chats": "Chats", "answered_pct": "Answered", "missed": "Missed", "avg_wait": "Average wait",
        "p90_wait": "Wait, 90th percentile", "service_level": "Service level", "avg_handle": "Average handle time",
        "avg_first_response": "First response time", "avg_rating": "Average rating",
        "chats_per_agent": "Chats per agent", "vs_previous": "vs previous period", "no_previous": "no earlier data",
        "volume": "Chats per period and channel", "wait_distribution": "Wait before answer (answered chats)",
        "service_level_over_time": "Service level over time", "heatmap": "Arrivals by weekday and hour",
        "outcomes": "Outcomes", "ratings": "Ratings", "agent_table": "Agents",
        "summary_table": "Per period and channel",
        "busiest_hour": "Busiest hour", "best_agent": "Best rated agent this month", "per_month": "Chats per month",
        "no_best_agent": "Not enough ratings yet", "ratings_count": "ratings", "chats_lower": "chats",
        "agent": "Agent", "handle": "Avg handle", "first_response": "First response", "rating": "Rating",
        "transfers": "Transfers", "drill_title": "Chats behind the selection", "drill_hint":
        "Click a bar, a heatmap cell or an agent row to list its chats; click a chat to read it.",
        "drill_count": "{total} chats", "drill_shown": "(newest {shown} shown)", "time": "Time", "channel": "Channel",
        "visitor": "Visitor", "outcome": "Outcome", "wait": "Wait", "transcript": "Transcript",
        "answered": "Answered", "missed_in_queue": "Missed in queue", "closed_from_queue": "Closed from queue",
        "offline_request": "Offline request", "request_from_queue": "Request from queue",
        "exports": "Export", "per_chat": "One row per chat", "aggregate": "Per period and channel",
        "export_preparing": "Preparing the export…", "export_done": "Downloaded {name}",
        "export_failed": "The export failed ({status}).", "export_rows": "{count} chats match the filters.",
        "freshness": "Data updated {at} ({ago} ago)", "freshness_checked": "checked {ago} ago",
        "no_data": "The statistics are being prepared; the first load is still running.",
        "weekday_1": "Mon", "weekday_2": "Tue", "weekday_3": "Wed", "weekday_4": "Thu", "weekday_5": "Fri",
        "weekday_6": "Sat", "weekday_7": "Sun", "seconds": "s", "minutes": "min", "target_level": "Target %",
        "target_seconds": "within seconds", "channel_single": "Channel", "needed": "Agents needed",
        "present": "Agents present", "active": "Agents with chats", "arrivals": "Chats per hour",
        "expected_wait": "Expected wait", "wait_as_staffed": "Wait as staffed", "staffing_hint":
        "History of the selected period per hour of the week; Erlang C gives the agents needed for the "
        "target and the expected wait.", "hour_of_week": "Hour of the week", "visitor_side": "Visitor",
        "system_side": "System", "whisper_side": "Whisper (staff only)",
        "no_chat": "This chat is not in the statistics.", "page_previous": "Previous page",
        "page_next": "Next page", "page_rows": "Rows {first}–{last} of {count}",
    },
    "sv": {
        "title": "Statistik", "overview": "Översikt", "staffing": "Bemanningsplanering",
        "period": "Period", "from": "Från", "to": "Till", "channels": "Kanaler", "agents": "Agenter",
        "all_channels": "Alla kanaler", "all_agents": "Alla agenter", "granularity": "Per",
        "today": "I dag", "yesterday": "I går", "last_7_days": "Senaste 7 dagarna",
        "last_30_days": "Senaste 30 dagarna", "this_month": "Denna månad", "last_month": "Förra månaden",
        "custom": "Anpassad", "hour": "Timme", "day": "Dag", "week": "Vecka", "month": "Månad",
        "chats": "Chattar", "answered_pct": "Besvarade", "missed": "Missade", "avg_wait": "Genomsnittlig väntetid",
        "p90_wait": "Väntetid, 90:e percentilen", "service_level": "Servicenivå",
        "avg_handle": "Genomsnittlig hanteringstid", "avg_first_response": "Första svarstid",
        "avg_rating": "Genomsnittligt betyg", "chats_per_agent": "Chattar per agent",
        "vs_previous": "mot föregående period", "no_previous": "inga tidigare data",
        "volume": "Chattar per period och kanal", "wait_distribution": "Väntetid före svar (besvarade chattar)",
        "service_level_over_time": "Servicenivå över tid", "heatmap": "Inkommande per veckodag och timme",
        "outcomes": "Utfall", "ratings": "Betyg", "agent_table": "Agenter", "summary_table": "Per period och kanal",
        "busiest_hour": "Mest belastade timmen", "best_agent": "Bäst betygsatta agent denna månad",
        "per_month": "Chattar per månad", "no_best_agent": "För få betyg än", "ratings_count": "betyg",
        "chats_lower": "chattar", "agent": "Agent", "handle": "Snitt hantering", "first_response": "Första svar",
        "rating": "Betyg", "transfers": "Överlämningar", "drill_title": "Chattarna bakom urvalet", "drill_hint":
        "Klicka på en stapel, en ruta i värmekartan eller en agentrad för att lista chattarna; klicka på en "
        "chatt för att läsa den.", "drill_count": "{total} chattar", "drill_shown": "(de {shown} senaste visas)",
        "time": "Tid", "channel": "Kanal", "visitor": "Besökare", "outcome": "Utfall", "wait": "Väntetid",
        "transcript": "Konversation", "answered": "Besvarad", "missed_in_queue": "Missad i kön",
        "closed_from_queue": "Stängd från kön", "offline_request": "Offlineärende",
        "request_from_queue": "Ärende från kön", "exports": "Exportera", "per_chat": "En rad per chatt",
        "aggregate": "Per period och kanal", "export_preparing": "Förbereder exporten…",
        "export_done": "Hämtade {name}", "export_failed": "Exporten misslyckades ({status}).",
        "export_rows": "{count} chattar matchar filtren.", "freshness": "Data uppdaterade {at} (för {ago} sedan)",
        "freshness_checked": "kontrollerade för {ago} sedan",
        "no_data": "Statistiken förbereds; den första inläsningen pågår fortfarande.",
        "weekday_1": "mån", "weekday_2": "tis", "weekday_3": "ons", "weekday_4": "tor", "weekday_5": "fre",
        "weekday_6": "lör", "weekday_7": "sön", "seconds": "s", "minutes": "min", "target_level": "Mål %",
        "target_seconds": "inom sekunder", "channel_single": "Kanal", "needed": "Agenter som behövs",
        "present": "Närvarande agenter", "active": "Agenter med chattar", "arrivals": "Chattar per timme",
        "expected_wait": "Förväntad väntetid", "wait_as_staffed": "Väntetid med nuvarande bemanning",
        "staffing_hint": "Historik för vald period per veckotimme; Erlang C ger antalet agenter för målet "
        "och den förväntade väntetiden.", "hour_of_week": "Veckotimme", "visitor_side": "Besökare",
        "system_side": "System", "whisper_side": "Viskning (bara personal)",
        "no_chat": "Den här chatten finns inte i statistiken.", "page_previous": "Föregående sida",
        "page_next": "Nästa sida", "page_rows": "Rader {first}–{last} av {count}",
    },
}


def texts(language: str | None) -> dict[str, str]:
    return TEXTS.get(language or "en", TEXTS["en"])


def duration(seconds: float | None, language: str | None = "en") -> str:
    """65.2 -> '1 min 5 s'; None -> '–'."""
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds == float("inf"):
        return "∞"
    t = texts(language)
    whole = round(seconds)
    if whole < 60:
        return f"{whole} {t['seconds']}"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} {t['minutes']} {rest} {t['seconds']}" if rest else f"{minutes} {t['minutes']}"
