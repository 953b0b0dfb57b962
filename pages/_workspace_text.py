"""Workspace labels in English and Swedish."""

from __future__ import annotations

WORKSPACE_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "my_chats": "My chats", "in_queue": "In queue", "get_next": "Get next in queue",
        "select_chat": "Select a chat on the left, or get the next one in the queue.",
        "end_chat": "End chat", "transfer": "Transfer", "create_request": "Create request",
        "allow_upload": "Allow file upload", "accept_transfer": "Accept transfer",
        "reject_transfer": "Reject transfer", "cancel_transfer": "Cancel transfer",
        "transfer_to": "Transfer to", "send_transfer": "Send transfer", "message": "Message",
        "send": "Send", "title": "Title", "category": "Category", "priority": "Priority",
        "save_request": "Save request", "insert": "Insert", "templates": "Reply templates", "faq": "FAQ",
        "quick_replies": "Quick replies", "search": "Search", "new_quick_reply": "New quick reply",
        "name": "Name", "text": "Text", "save_quick_reply": "Save quick reply", "contact": "Contact",
        "could_be": "This contact could be…", "link": "Link", "search_contacts": "Search contacts",
        "create_contact": "Create contact", "email": "E-mail", "phone": "Phone", "company": "Company",
        "change_contact": "Change contact", "requests": "Requests", "sales": "Sales",
        "follow_ups": "Follow-ups", "earlier_chats": "Earlier chats", "link_to_chat": "Link to this chat",
        "linked": "linked", "no_chat": "No chat selected.", "close": "Close", "transcript": "Transcript",
        "request_sentence": "I have registered your request with number {id}.",
        "nobody_present": "No other agent with Can respond is Present in this channel.",
        "transfer_sent": "Transfer requested; waiting for an answer.",
        "no_matches": "No matching contact.",
        "whisper_label": "Whisper to the agent (the visitor never sees it)", "send_whisper": "Send whisper",
        "take_over": "Take over",
        "attach": "Attach a file: drop it here or click to choose",
    },
    "sv": {
        "my_chats": "Mina chattar", "in_queue": "I kö", "get_next": "Hämta nästa i kön",
        "select_chat": "Välj en chatt till vänster, eller hämta nästa i kön.",
        "end_chat": "Avsluta chatt", "transfer": "Överför", "create_request": "Skapa ärende",
        "allow_upload": "Tillåt filuppladdning", "accept_transfer": "Acceptera överföring",
        "reject_transfer": "Avvisa överföring", "cancel_transfer": "Avbryt överföring",
        "transfer_to": "Överför till", "send_transfer": "Skicka överföring", "message": "Meddelande",
        "send": "Skicka", "title": "Rubrik", "category": "Kategori", "priority": "Prioritet",
        "save_request": "Spara ärende", "insert": "Infoga", "templates": "Svarsmallar", "faq": "FAQ",
        "quick_replies": "Snabbsvar", "search": "Sök", "new_quick_reply": "Nytt snabbsvar",
        "name": "Namn", "text": "Text", "save_quick_reply": "Spara snabbsvar", "contact": "Kontakt",
        "could_be": "Den här kontakten kan vara…", "link": "Koppla", "search_contacts": "Sök kontakter",
        "create_contact": "Skapa kontakt", "email": "E-post", "phone": "Telefon", "company": "Företag",
        "change_contact": "Byt kontakt", "requests": "Ärenden", "sales": "Försäljningar",
        "follow_ups": "Uppföljningar", "earlier_chats": "Tidigare chattar", "link_to_chat": "Koppla till chatten",
        "linked": "kopplad", "no_chat": "Ingen chatt vald.", "close": "Stäng", "transcript": "Chattlogg",
        "request_sentence": "Jag har registrerat ditt ärende med nummer {id}.",
        "nobody_present": "Ingen annan handläggare med Kan svara är närvarande i kanalen.",
        "transfer_sent": "Överföring begärd; väntar på svar.",
        "no_matches": "Ingen matchande kontakt.",
        "whisper_label": "Viska till handläggaren (besökaren ser det aldrig)", "send_whisper": "Skicka viskning",
        "take_over": "Ta över",
        "attach": "Bifoga en fil: släpp den här eller klicka för att välja",
    },
}


def workspace_text(language: str) -> dict[str, str]:
    return WORKSPACE_TEXT["sv" if language == "sv" else "en"]
