"""Demo data (CHAT_DEMO=1): staff, three always-open channels, FAQ, templates, a small CRM and 60 days of chats.

`seed_demo` is idempotent (it does nothing once a user named "admin" exists) and writes everything in one
transaction with bulk inserts; the chat history itself is planned in `chat.demo_history`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from chat.db import Database
from chat.demo_history import STOCKHOLM, ChannelPlan, HistoryBuilder, IdSource, Person, Topic, ascii_mail
from chat.models import (
    Activity,
    Base,
    Channel,
    ChatSession,
    Company,
    Contact,
    CrmRequest,
    FaqArticle,
    Folder,
    FollowUp,
    Membership,
    Message,
    Presence,
    QuickReply,
    ReplyTemplate,
    Role,
    Sale,
    Transfer,
    User,
    Visitor,
)

DEMO_LOGINS: tuple[str, ...] = ("agent1", "agent2", "supervisor", "manager", "admin")
DEMO_PASSWORD = "demo"

# username, display name, role, language, channels answered (extra agents), share of the chats they answer
STAFF: tuple[tuple[str, str, Role, str, tuple[str, ...], float], ...] = (
    ("agent1", "Anna Lindqvist", Role.AGENT, "en", ("Support", "Sales", "Teknisk support"), 1.0),
    ("agent2", "Erik Johansson", Role.AGENT, "sv", ("Support", "Sales", "Teknisk support"), 1.0),
    ("supervisor", "Sara Berg", Role.SUPERVISOR, "sv", (), 0.0),
    ("manager", "Maria Nilsson", Role.MANAGER, "en", ("Support", "Sales", "Teknisk support"), 0.12),
    ("admin", "Admin", Role.ADMIN, "en", (), 0.0),
    ("agent3", "Johan Ek", Role.AGENT, "sv", ("Support", "Teknisk support"), 0.8),
    ("agent4", "Lena Holm", Role.AGENT, "en", ("Support", "Sales"), 0.7),
    ("agent5", "Oskar Lund", Role.AGENT, "sv", ("Teknisk support",), 0.9),
    ("agent6", "Nora Sund", Role.AGENT, "sv", ("Sales", "Support"), 0.6),
)

CHANNELS: tuple[dict[str, Any], ...] = (
    {
        "name": "Support", "language": "en", "badge_header": "Need help? Chat with us",
        "description": "Customer support for orders, accounts and invoices.",
        "welcome_message": "Welcome to Support! Tell us what you need help with and an agent will join shortly.",
        "queue_message": "You are number {position} in the queue. Estimated wait: {wait}.",
        "prechat_required_fields": ["name", "email"], "service_level_seconds": 60,
        "consent_text": "I agree that my name, e-mail and this conversation are stored to handle my request.",
        "rating_text": "How did we do today?", "offline_request_category": "Support",
        "widget": {"theme": "modern", "size": "normal", "color": "#0b5fff", "font": "system-ui"},
    },
    {
        "name": "Sales", "language": "en", "badge_header": "Questions about our plans?",
        "description": "Prices, plans, trials and demos.",
        "welcome_message": "Hi! Our sales team is happy to answer questions about plans and prices.",
        "queue_message": "Thanks for your patience: you are number {position} in line (about {wait}).",
        "prechat_required_fields": ["name"], "service_level_seconds": 90,
        "consent_text": "I agree that my contact details are stored so that sales can follow up.",
        "rating_text": "Was our sales team helpful?", "offline_request_category": "Sales",
        "widget": {"theme": "modern", "size": "normal", "color": "#0f8a5f", "font": "system-ui"},
    },
    {
        "name": "Teknisk support", "language": "sv", "badge_header": "Teknisk support – chatta med oss",
        "description": "Hjälp med installation, integrationer och felsökning.",
        "welcome_message": "Välkommen till teknisk support! Beskriv problemet så ansluter en tekniker strax.",
        "queue_message": "Du är nummer {position} i kön. Beräknad väntetid: {wait}.",
        "prechat_required_fields": ["email"], "service_level_seconds": 120,
        "consent_text": "Jag godkänner att min e-postadress och konversationen sparas för att hantera ärendet.",
        "rating_text": "Vad tyckte du om hjälpen?", "offline_request_category": "Teknisk support",
        "widget": {"theme": "modern", "size": "normal", "color": "#6b21a8", "font": "system-ui"},
    },
)

# Per channel: mean chats per ordinary weekday, the widget's site, what visitors ask and how it goes.
HISTORY: dict[str, tuple[float, str, tuple[Topic, ...]]] = {
    "Support": (26.0, "https://www.example.com", (
        Topic("I can't log in, the password reset e-mail never arrives.",
              ("I've checked the spam folder too.", "It's the address I signed up with."),
              ("I've sent a new reset link, it can take a minute.", "The account was locked after too many "
               "attempts, I've unlocked it now.", "Could you try logging in again?")),
        Topic("How do I change the billing address on my invoices?",
              ("We moved office last month.", "Will it apply to the next invoice?"),
              ("You can change it under Settings → Billing.", "I've updated it for you, it applies from the next "
               "invoice.", "I'll also send a corrected copy of the latest invoice.")),
        Topic("My order hasn't arrived yet, order number 4471.",
              ("It was supposed to arrive on Monday.", "Can I get a tracking link?"),
              ("The parcel is at the local pickup point since this morning.", "Here is the tracking link: "
               "track.example.com/4471", "I'm sorry for the delay.")),
        Topic("Can I add another user to our subscription?",
              ("What does an extra user cost?", "Her e-mail is on our company domain."),
              ("Yes, an admin can invite users under Team → Invite.", "Each extra user is added to the next "
               "invoice, prorated.")),
        Topic("The export to Excel gives an error.",
              ("It says 'Export failed' after a few seconds.", "It's about 20 000 rows."),
              ("Large exports run in the background; you'll get an e-mail when it's ready.",
               "Could you try again with a smaller date range?")),
    )),
    "Sales": (11.0, "https://www.example.com", (
        Topic("What does the Business plan cost for 25 users?",
              ("Is support included?", "We're a team of 25 today, maybe 40 next year."),
              ("The Business plan is 129 kr per user and month.", "Support and onboarding are included.",
               "I can send you a quote with volume pricing.")),
        Topic("Do you offer a discount for annual billing?",
              ("We'd prefer one invoice per year.",),
              ("Yes, annual billing gives two months free.", "I'll e-mail you an offer today.")),
        Topic("Can we get a demo for our team next week?",
              ("Tuesday or Wednesday afternoon works best.", "We'll be four people."),
              ("Of course! I've booked Wednesday at 14:00, you'll get an invitation.",
               "Let me know if you have any specific questions for the demo.")),
        Topic("Is there a free trial?",
              ("Do I need a credit card?",),
              ("Yes, 30 days free with all features.", "No credit card is needed for the trial.")),
    )),
    "Teknisk support": (15.0, "https://support.example.se", (
        Topic("Jag får felet 'Anslutningen misslyckades' när jag synkar.",
              ("Det började i morse.", "Vi har inte ändrat något hos oss."),
              ("Kan du testa att logga ut och in igen?", "Vi hade en kort störning i morse, den är åtgärdad nu.",
               "Fungerar synkningen nu?")),
        Topic("Hur kopplar jag ihop tjänsten med vårt Microsoft 365-konto?",
              ("Jag är administratör hos oss.", "Var hittar jag inställningen?"),
              ("Gå till Inställningar → Integrationer och välj Microsoft 365.", "Du behöver godkänna "
               "behörigheterna som administratör.")),
        Topic("Appen kraschar när jag laddar upp bilder.",
              ("Det gäller iPhone med senaste iOS.", "Bilderna är ganska stora."),
              ("Tack, vi känner till felet och en rättning kommer i nästa version.", "Som tillfällig lösning "
               "kan du ladda upp via webben.")),
        Topic("Vi behöver hjälp att konfigurera SSO.",
              ("Vi använder Azure AD.", "Vilka uppgifter behöver ni från oss?"),
              ("Jag skickar vår guide för SSO med Azure AD.", "Vi behöver er metadata-URL och domän.")),
    )),
}

FAQ: dict[str, tuple[tuple[str, str, str], ...]] = {  # question, answer, keywords
    "Support": (
        ("How do I reset my password?", "Click 'Forgot password' on the login page and follow the link we "
         "e-mail you. The link is valid for one hour.", "password, login, reset"),
        ("Where can I find my invoices?", "All invoices are under Settings → Billing → Invoices.", "invoice, billing"),
        ("How do I change my billing address?", "Admins can change it under Settings → Billing.",
         "billing, address, invoice"),
        ("How long does delivery take?", "Orders ship within 1–2 working days and usually arrive within 3–5 days.",
         "delivery, order, shipping"),
        ("How do I add a user?", "Admins invite users under Team → Invite.", "user, team, invite"),
    ),
    "Sales": (
        ("What plans do you offer?", "Start, Business and Enterprise; see the pricing page for details.",
         "plans, pricing"),
        ("Is there a free trial?", "Yes, 30 days with all features and no credit card.", "trial, free"),
        ("Do you offer annual billing?", "Yes, annual billing gives two months free.", "annual, discount, billing"),
        ("Can I book a demo?", "Of course, ask us in the chat or pick a time on our website.", "demo, meeting"),
    ),
    "Teknisk support": (
        ("Hur återställer jag mitt lösenord?", "Klicka på 'Glömt lösenord' på inloggningssidan.",
         "lösenord, inloggning"),
        ("Vilka webbläsare stöds?", "De två senaste versionerna av Chrome, Edge, Firefox och Safari.",
         "webbläsare, krav"),
        ("Hur kopplar jag Microsoft 365?", "Gå till Inställningar → Integrationer och välj Microsoft 365.",
         "integration, microsoft, office"),
        ("Stöder ni SSO?", "Ja, via SAML 2.0, till exempel Azure AD och Okta.", "sso, saml, azure"),
        ("Var ser jag driftstatus?", "Aktuell driftstatus finns på status.example.se.", "drift, störning, status"),
    ),
}

TEMPLATES: tuple[tuple[str, str, str], ...] = (  # name, language, body
    ("Greeting", "en", "Hi {visitor_name}, my name is {agent_name}. How can I help you today?"),
    ("Closing", "en", "Thanks for contacting {channel_name}, {visitor_name}. Have a great day!"),
    ("Checking", "en", "Thanks for waiting, {visitor_name}. I'm checking this with a colleague."),
    ("Hälsning", "sv", "Hej {visitor_name}! Jag heter {agent_name}. Vad kan jag hjälpa dig med?"),
    ("Avslutning", "sv", "Tack för att du kontaktade {channel_name}, {visitor_name}. Ha en fin dag!"),
    ("Ärende skapat", "sv", "Jag har skapat ett ärende åt dig, {visitor_name}. Vi återkommer via e-post."),
)

COMPANIES: tuple[tuple[str, str], ...] = (
    ("Nordvik Bygg AB", "nordvikbygg.se"), ("Solberg Konsult AB", "solbergkonsult.se"),
    ("Fjällström Logistik AB", "fjallstromlogistik.se"), ("Lindgren & Ström Advokatbyrå", "lindgrenstrom.se"),
    ("Björkdal Energi AB", "bjorkdalenergi.se"), ("Havsbris Fastigheter AB", "havsbris.se"),
    ("Granqvist Media AB", "granqvistmedia.se"), ("Vänerns Trä AB", "vanernstra.se"),
    ("Ekholm Redovisning AB", "ekholmredovisning.se"), ("Skärgårdens Båtvarv AB", "skargardsvarvet.se"),
    ("Polaris IT AB", "polarisit.se"), ("Kullaberg Livsmedel AB", "kullaberglivs.se"),
)
CONTACT_FIRST = ("Karin", "Magnus", "Ingrid", "Per", "Helena", "Fredrik", "Camilla", "Anders", "Sofia", "Jonas",
                 "Malin", "Henrik", "Therese", "Mattias", "Ulrika", "Niklas")
CONTACT_LAST = ("Åberg", "Dahl", "Forsberg", "Hedlund", "Lindberg", "Sjöberg", "Wallin", "Engström", "Nyberg",
                "Holmqvist", "Sandberg", "Blom")
TITLES = ("CEO", "CFO", "IT Manager", "Office Manager", "Purchasing", "Developer", "Ekonomiansvarig", None)


def seed_demo(database: Database, *, now: datetime | None = None, days: int = 60, seed: int = 7) -> bool:
    """Seed the demo once; False when a user named "admin" already exists."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("seed_demo needs a timezone-aware `now`")
    rng = random.Random(seed)
    password_hash = generate_password_hash(DEMO_PASSWORD)
    with database.write() as db:
        if db.scalar(select(User.id).where(User.username == "admin")) is not None:
            return False
        ids = IdSource(db)
        users, channels = _seed_staff_and_channels(db, ids, password_hash, now, days)
        _seed_content(db, ids, users, channels)
        people = _seed_crm(db, ids, rng, now, days)
        plans = [
            ChannelPlan(
                id=channel_id, language=spec["language"], daily_chats=HISTORY[spec["name"]][0],
                required=tuple(spec["prechat_required_fields"]), origin=HISTORY[spec["name"]][1],
                agents=tuple((users[s[0]], s[5]) for s in STAFF if spec["name"] in s[4]),
                request_category=spec["offline_request_category"], topics=HISTORY[spec["name"]][2],
            )
            for spec, channel_id in zip(CHANNELS, channels.values(), strict=True)
        ]
        names = {users[s[0]]: s[1] for s in STAFF}
        rows = HistoryBuilder(rng, ids, names, people, now).build(plans, days)
        for model, batch in (
            (CrmRequest, rows.requests), (Visitor, rows.visitors), (ChatSession, rows.sessions),
            (Message, rows.messages), (Transfer, rows.transfers),
            (Activity, rows.activities),
        ):
            if batch:
                _bulk(db, model, batch)
        _advance_sequences(db)
    return True


def _advance_sequences(db: Session) -> None:
    """Rows were inserted with explicit ids; PostgreSQL's sequences must continue after them."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))


def _bulk(db: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """One executemany per table: NULLs are rendered, so rows with and without None share a statement."""
    db.execute(insert(model).execution_options(render_nulls=True), rows)


def _seed_staff_and_channels(
    db: Session, ids: IdSource, password_hash: str, now: datetime, days: int
) -> tuple[dict[str, int], dict[str, int]]:
    since = now - timedelta(days=days + 30)
    users = {username: ids.take(User) for username, *_ in STAFF}
    _bulk(db, User, [
        {"id": users[username], "username": username, "display_name": name, "nickname": None,
         "email": f"{ascii_mail(name)}@example.com", "photo_url": None, "password_hash": password_hash,
         "role": role, "is_active": True, "language": language, "presence": Presence.AWAY,
         "presence_changed_at": now, "created_at": since}
        for username, name, role, language, _, _ in STAFF
    ])
    folders = {spec["name"]: ids.take(Folder) for spec in CHANNELS}
    _bulk(db, Folder, [
        {"id": folder_id, "name": f"{name} FAQ", "kind": "faq", "parent_id": None}
        for name, folder_id in folders.items()
    ])
    channels = {spec["name"]: ids.take(Channel) for spec in CHANNELS}
    _bulk(db, Channel, [
        {**spec, "id": channels[spec["name"]], "faq_folder_id": folders[spec["name"]], "prechat_enabled": True,
         "agent_warning_minutes": 2, "manager_warning_minutes": 5, "time_zone": STOCKHOLM.key,
         "allowed_origins": [], "updated_at": since}
        for spec in CHANNELS
    ])
    memberships: list[dict[str, Any]] = []
    for username, _, role, _, answers, _ in STAFF:
        for channel_name, channel_id in channels.items():
            if role is Role.ADMIN or (role is Role.AGENT and channel_name not in answers):
                continue
            memberships.append({
                "id": ids.take(Membership), "user_id": users[username], "channel_id": channel_id,
                "can_respond": role is not Role.SUPERVISOR, "notifications": role is not Role.SUPERVISOR,
                "can_listen": role in (Role.SUPERVISOR, Role.MANAGER), "is_manager": role is Role.MANAGER,
            })
    _bulk(db, Membership, memberships)
    return users, channels


def _seed_content(db: Session, ids: IdSource, users: dict[str, int], channels: dict[str, int]) -> None:
    rows = db.execute(select(Channel.name, Channel.faq_folder_id).where(Channel.id.in_(channels.values())))
    folder_of = {name: folder_id for name, folder_id in rows}
    language_of = {spec["name"]: spec["language"] for spec in CHANNELS}
    _bulk(db, FaqArticle, [
        {"id": ids.take(FaqArticle), "folder_id": folder_of[name], "question": question, "answer": answer,
         "keywords": keywords, "language": language_of[name], "published": True, "public": True}
        for name, articles in FAQ.items()
        for question, answer, keywords in articles
    ])
    template_folder = ids.take(Folder)
    _bulk(db, Folder, [{"id": template_folder, "name": "Reply templates", "kind": "template",
                                 "parent_id": None}])
    _bulk(db, ReplyTemplate, [
        {"id": ids.take(ReplyTemplate), "folder_id": template_folder, "name": name, "language": language,
         "body": body}
        for name, language, body in TEMPLATES
    ])
    _bulk(db, QuickReply, [
        {"id": ids.take(QuickReply), "user_id": users[username], "name": name, "body": body,
         "is_favourite": favourite}
        for username, name, body, favourite in (
            ("agent1", "Moment", "Ett ögonblick, jag kollar upp det åt dig.", True),
            ("agent1", "One moment", "One moment please, I'm looking into it.", True),
            ("agent1", "Status page", "You can follow the current status on status.example.se.", False),
            ("agent2", "Invoice copy", "I've sent a copy of the invoice to your e-mail.", False),
        )
    ])


def _seed_crm(db: Session, ids: IdSource, rng: random.Random, now: datetime, days: int) -> list[Person]:
    companies: list[dict[str, Any]] = [
        {"id": ids.take(Company), "name": name, "domain": domain,
         "phone": f"+46 {rng.choice(('8', '31', '40', '90'))} {rng.randrange(100, 999)} {rng.randrange(10, 99)} "
                  f"{rng.randrange(10, 99)}",
         "created_at": now - timedelta(days=days + rng.randrange(30, 700))}
        for name, domain in COMPANIES
    ]
    _bulk(db, Company, companies)
    names = [(first, last) for first in CONTACT_FIRST for last in CONTACT_LAST]
    rng.shuffle(names)
    contacts: list[dict[str, Any]] = []
    people: list[Person] = []
    for index, (first, last) in enumerate(names[:30]):
        company = companies[index % len(companies)]
        contact: dict[str, Any] = {
            "id": ids.take(Contact), "company_id": company["id"], "name": f"{first} {last}",
            "email": f"{ascii_mail(first)}.{ascii_mail(last)}@{company['domain']}",
            "phone": f"+46 70 {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            "title": rng.choice(TITLES), "created_at": company["created_at"] + timedelta(days=rng.randrange(1, 30)),
        }
        contacts.append(contact)
        people.append(Person(contact["id"], company["id"], contact["name"], contact["email"], company["name"]))
    _bulk(db, Contact, contacts)
    request_titles = ("Invoice question", "Wrong delivery address", "Upgrade to Business", "Integration issue",
                      "Cancel subscription", "Faktura saknas", "Problem med inloggning", "Fler licenser")
    _bulk(db, CrmRequest, [
        {"id": ids.take(CrmRequest), "contact_id": person.contact_id, "company_id": person.company_id,
         "session_id": None, "title": rng.choice(request_titles), "category": rng.choice(("Support", "Sales")),
         "priority": rng.choice(("low", "normal", "normal", "high")), "status": rng.choice(("open", "closed")),
         "body": "Registered by phone.", "created_at": now - timedelta(days=rng.uniform(1, days))}
        for person in rng.sample(people, 12)
    ])
    _bulk(db, Sale, [
        {"id": ids.take(Sale), "contact_id": person.contact_id, "company_id": person.company_id,
         "title": rng.choice(("Business plan, annual", "Extra licences", "Enterprise upgrade", "Onboarding package")),
         "amount": rng.randrange(50, 2500) * 100, "stage": rng.choice(("open", "open", "won", "lost")),
         "created_at": now - timedelta(days=rng.uniform(1, days))}
        for person in rng.sample(people, 18)
    ])
    follow_ups: list[dict[str, Any]] = []
    for person in rng.sample(people, 15):
        due = now + timedelta(days=rng.uniform(-7, 14))
        follow_ups.append({
            "id": ids.take(FollowUp), "contact_id": person.contact_id, "done": due < now and rng.random() < 0.6,
            "title": rng.choice(("Call about the offer", "Send the quote", "Check the demo feedback",
                                 "Följ upp fakturan", "Boka uppföljningsmöte")) + f" – {person.company}",
            "due_at": due,
        })
    _bulk(db, FollowUp, follow_ups)
    return people
