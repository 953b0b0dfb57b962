"""The demo's finished chats: arrivals by local hour, queue waits, handling, messages and their event log.

Everything is planned in memory from one `random.Random`, so the same seed and `now` give the same rows;
`chat.demo` bulk-inserts the result in a single transaction.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.models import (
    Activity,
    AuthorKind,
    ChatSession,
    CrmRequest,
    Message,
    MessageKind,
    SessionStatus,
    Transfer,
    TransferState,
    Visitor,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Relative arrivals per local hour 0..23: peaks 9-11 and 13-15, a lunch dip, quiet nights.
HOUR_WEIGHTS = (
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.2, 3.0, 5.5, 6.5, 6.0,
    3.5, 5.0, 6.0, 5.5, 3.5, 2.0, 1.4, 1.2, 1.0, 0.8, 0.5, 0.3,
)
PEAK_HOURS = frozenset({9, 10, 11, 13, 14, 15})
WEEKDAY_FACTOR = (1.15, 1.05, 1.0, 0.95, 0.85, 0.3, 0.22)  # Monday busiest, weekends quiet
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
)
FIRST_NAMES = ("Alice", "Oliver", "Maja", "William", "Elsa", "Hugo", "Ebba", "Liam", "Wilma", "Lucas", "Alva",
               "Adam", "Saga", "Noah", "Astrid", "Emma", "Peter", "Karin", "Mikael", "Sofia", "David", "Linnea")
LAST_NAMES = ("Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
              "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Smith", "Brown", "Wilson")
MAIL_HOSTS = ("gmail.com", "hotmail.com", "outlook.com", "telia.com", "icloud.com")

# Per language: greeting, wrap-up question, visitor's thanks, agent's goodbye, visitor's goodbye, fillers, comments.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "greet": ("Hi {name}! My name is {agent}, I'll help you with that.",
                  "Hello {name}, thanks for waiting. {agent} here, let me have a look.",
                  "Hi {name}, {agent} here. Happy to help!"),
        "wrap": ("Is there anything else I can help you with?", "Does that solve it for you?"),
        "thanks": ("Great, thanks a lot for your help!", "Perfect, that's all I needed.", "Thanks, that works!"),
        "bye": ("You're welcome! Have a nice day.", "Glad I could help. Take care!", "Anytime, have a great day!"),
        "visitor_bye": ("Thanks, bye!", "Cheers!", "Thank you!"),
        "visitor_fill": ("Okay, one moment.", "Yes, that's right.", "Let me check.", "Sure."),
        "agent_fill": ("Thanks, one moment while I check.", "I understand, let me look into it.",
                       "Could you tell me a bit more?"),
        "comments": ("Quick and friendly help!", "Solved my problem in minutes.", "Had to wait a while.",
                     "Very helpful, thank you.", "Didn't really get an answer."),
    },
    "sv": {
        "greet": ("Hej {name}! Jag heter {agent} och hjälper dig gärna.",
                  "Hej {name}, tack för att du väntade. Det är {agent}, jag tittar på det direkt.",
                  "Hej {name}! {agent} här, vad roligt att du hör av dig."),
        "wrap": ("Är det något mer jag kan hjälpa till med?", "Löser det ditt problem?"),
        "thanks": ("Toppen, tack för hjälpen!", "Perfekt, det var allt jag behövde.", "Tack, nu fungerar det!"),
        "bye": ("Varsågod! Ha en fin dag.", "Kul att det löste sig. Ha det bra!", "Hör av dig om något dyker upp!"),
        "visitor_bye": ("Tack, hej då!", "Tack så mycket!", "Hej hej!"),
        "visitor_fill": ("Okej, ett ögonblick.", "Ja, det stämmer.", "Jag kollar.", "Absolut."),
        "agent_fill": ("Tack, ett ögonblick medan jag kollar.", "Jag förstår, jag undersöker saken.",
                       "Kan du berätta lite mer?"),
        "comments": ("Snabb och trevlig hjälp!", "Problemet löst på några minuter.", "Fick vänta ett tag.",
                     "Mycket hjälpsam, tack.", "Fick inget riktigt svar."),
    },
}


@dataclass(frozen=True)
class Topic:
    question: str
    visitor: tuple[str, ...]
    agent: tuple[str, ...]


@dataclass(frozen=True)
class ChannelPlan:
    id: int
    language: str
    daily_chats: float  # mean over all hours of an ordinary weekday
    required: tuple[str, ...]  # pre-chat fields the visitor must fill in
    agents: tuple[tuple[int, float], ...]  # (user id, relative share of the chats)
    origin: str
    request_category: str
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class Person:
    """A CRM contact who may show up as a visitor."""

    contact_id: int
    company_id: int
    name: str
    email: str
    company: str


@dataclass
class HistoryRows:
    visitors: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)


class IdSource:
    """Hands out primary keys after the current maximum of each table, so bulk inserts need no flush."""

    def __init__(self, db: Session) -> None:
        self._db = db
        self._next: dict[Any, int] = {}

    def take(self, model: Any) -> int:
        if model not in self._next:
            self._next[model] = (self._db.scalar(select(func.max(model.id))) or 0) + 1
        value = self._next[model]
        self._next[model] += 1
        return value


def ascii_mail(text: str) -> str:
    return text.lower().translate(str.maketrans("åäöéü ", "aaoeu."))


def lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(high, max(low, median * math.exp(rng.gauss(0.0, sigma))))


def plan_arrivals(
    rng: random.Random, channels: list[ChannelPlan], now: datetime, days: int
) -> list[tuple[datetime, ChannelPlan]]:
    """`days` whole local days before today plus today until `now`, oldest first."""
    today = now.astimezone(STOCKHOLM).date()
    arrivals: list[tuple[datetime, ChannelPlan]] = []
    for offset in range(days, -1, -1):
        day: date = today - timedelta(days=offset)
        trend = 0.9 + 0.2 * (days - offset) / max(days, 1)  # the business grows a little
        for channel in channels:
            mean = channel.daily_chats * WEEKDAY_FACTOR[day.weekday()] * trend
            count = max(1, round(rng.gauss(mean, math.sqrt(mean))))
            for hour in rng.choices(range(24), HOUR_WEIGHTS, k=count):
                local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=STOCKHOLM)
                at = local.astimezone(UTC)
                if at < now:
                    arrivals.append((at, channel))
    arrivals.sort(key=lambda pair: (pair[0], pair[1].id))
    return arrivals


class HistoryBuilder:
    def __init__(
        self, rng: random.Random, ids: IdSource, agent_names: dict[int, str], people: list[Person], now: datetime
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.agent_names = agent_names
        self.people = people
        self.now = now
        self.rows = HistoryRows()

    def build(self, channels: list[ChannelPlan], days: int) -> HistoryRows:
        for requested_at, channel in plan_arrivals(self.rng, channels, self.now, days):
            self._chat(channel, requested_at)
        return self.rows

    def _visitor_identity(self, channel: ChannelPlan) -> dict[str, Any]:
        rng = self.rng
        if self.people and rng.random() < 0.45:
            person = rng.choice(self.people)
            return {"contact_id": person.contact_id, "company_id": person.company_id, "visitor_name": person.name,
                    "visitor_email": person.email, "visitor_company": person.company}
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}" if "name" in channel.required or rng.random() < 0.75 else ""
        email = ""
        if "email" in channel.required or rng.random() < 0.6:
            email = f"{ascii_mail(first)}.{ascii_mail(last)}{rng.randrange(100) if rng.random() < 0.3 else ''}"
            email += f"@{rng.choice(MAIL_HOSTS)}"
        return {"contact_id": None, "company_id": None, "visitor_name": name, "visitor_email": email,
                "visitor_company": ""}

    def _chat(self, channel: ChannelPlan, requested_at: datetime) -> None:
        rng = self.rng
        hour = requested_at.astimezone(STOCKHOLM).hour
        peak = hour in PEAK_HOURS
        topic = rng.choice(channel.topics)
        position = rng.choices((1, 2, 3, 4, 5), (40, 27, 16, 11, 6) if peak else (62, 22, 10, 4, 2))[0]
        p_request = 0.08 if hour < 7 or hour >= 20 else 0.045
        p_missed = 0.095 if peak else 0.06
        draw = rng.random()
        if draw < p_request:
            status = SessionStatus.REQUEST_POSTED
        elif draw < p_request + p_missed:
            status = SessionStatus.CLOSED_FROM_QUEUE
        else:
            status = SessionStatus.ENDED
        if status is SessionStatus.ENDED:
            wait = lognormal(rng, 30 * (0.8 + 0.35 * position) * (1.2 if peak else 0.8), 0.8, 3, 900)
            handle = lognormal(rng, 360, 0.6, 60, 2700)
            ended_at = requested_at + timedelta(seconds=wait + handle)
        else:
            waited = lognormal(rng, 150 if status is SessionStatus.CLOSED_FROM_QUEUE else 200, 0.7, 20, 1200)
            ended_at = requested_at + timedelta(seconds=waited)
        if ended_at > self.now:
            return  # it would still be going on: the live queue and the agents' chats start empty
        chat: dict[str, Any] = {
            "id": self.ids.take(ChatSession), "channel_id": channel.id, "visitor_id": self.ids.take(Visitor),
            "agent_id": None, **self._visitor_identity(channel),
            "status": status, "language": channel.language, "visitor_phone": "",
            "visitor_country": rng.choice(("Sweden", "Sweden", "Sweden", "Norway", "Finland", "")),
            "consent": True, "first_question": topic.question, "requested_at": requested_at,
            "started_at": None, "first_response_at": None, "ended_at": ended_at, "ended_by": "visitor",
            "initial_queue_position": position, "rating": None, "rating_comment": None,
            "upload_allowed": False, "request_id": None, "updated_at": ended_at,
        }
        if status is SessionStatus.ENDED:
            self._answered(chat, channel, topic, wait, ended_at)
        else:
            self._message(chat, 1, AuthorKind.VISITOR, topic.question, at=requested_at, user_id=None)
        chat["last_activity_at"] = self.rows.messages[-1]["created_at"]
        if status is SessionStatus.REQUEST_POSTED:
            chat["request_id"] = self._request(chat, channel, ended_at)
        elif status is SessionStatus.ENDED and chat["contact_id"] is not None:
            self.rows.activities.append({
                "id": self.ids.take(Activity), "contact_id": chat["contact_id"], "company_id": chat["company_id"],
                "session_id": chat["id"], "kind": "chat", "title": f"Chat: {topic.question[:200]}",
                "created_at": ended_at,
            })
        self.rows.visitors.append({
            "id": chat["visitor_id"], "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "created_at": requested_at - timedelta(seconds=rng.randrange(5, 600)),
            "user_agent": rng.choice(USER_AGENTS), "origin": channel.origin,
        })
        self.rows.sessions.append(chat)

    def _answered(self, chat: dict[str, Any], channel: ChannelPlan, topic: Topic, wait: float,
                  ended_at: datetime) -> None:
        rng = self.rng
        phrases = PHRASES[channel.language]
        started_at = chat["requested_at"] + timedelta(seconds=wait)
        first_response_at = started_at + timedelta(seconds=rng.uniform(5, 45))
        handle = (ended_at - started_at).total_seconds()
        ids, weights = zip(*channel.agents, strict=True)
        agent_id = rng.choices(ids, weights)[0]
        count = min(12, max(3, round(3 + handle / 90 + rng.gauss(0, 1.2))))
        # Message times: the question at the request, the greeting at first response, the rest spread out.
        span = max(10.0, (ended_at - first_response_at).total_seconds() - 5)
        offsets = sorted(rng.uniform(2, span) for _ in range(count - 2))
        times = [chat["requested_at"], first_response_at] + [first_response_at + timedelta(seconds=s) for s in offsets]
        transfer_at: datetime | None = None
        final_agent = agent_id
        others = [other for other in ids if other != agent_id]
        if others and count >= 6 and rng.random() < 0.04:
            final_agent = rng.choice(others)
            transfer_at = times[count // 2]
            self.rows.transfers.append({
                "id": self.ids.take(Transfer), "session_id": chat["id"], "from_user_id": agent_id,
                "to_user_id": final_agent, "state": TransferState.ACCEPTED,
                "requested_at": transfer_at - timedelta(seconds=30), "resolved_at": transfer_at,
            })
        visitor_first = chat["visitor_name"].split(" ")[0]
        # The topic's lines in their conversational order, then small talk.
        pools = {
            AuthorKind.VISITOR: [*topic.visitor, *rng.sample(phrases["visitor_fill"], 2)],
            AuthorKind.AGENT: [*topic.agent, *rng.sample(phrases["agent_fill"], 2)],
        }
        for index, at in enumerate(times):
            author = AuthorKind.VISITOR if index % 2 == 0 else AuthorKind.AGENT
            user_id = final_agent if transfer_at is not None and at >= transfer_at else agent_id
            if index == 0:
                body = topic.question
            elif index == 1:
                greeting = rng.choice(phrases["greet"]).format(
                    name=visitor_first, agent=self.agent_names[user_id].split(" ")[0])
                body = greeting.replace(" !", "!").replace(" ,", ",")
            elif index == count - 1:
                body = rng.choice(phrases["visitor_bye" if author is AuthorKind.VISITOR else "bye"])
            elif index == count - 2 and (author is AuthorKind.VISITOR or count >= 7):
                body = rng.choice(phrases["thanks" if author is AuthorKind.VISITOR else "wrap"])
            elif pools[author]:
                body = pools[author].pop(0)
            else:
                body = rng.choice(phrases["visitor_fill" if author is AuthorKind.VISITOR else "agent_fill"])
            agent = user_id if author is AuthorKind.AGENT else None
            self._message(chat, index + 1, author, body, at=at, user_id=agent)
        if rng.random() < 0.45:
            rating = rng.choices((5, 4, 3, 2, 1), (52, 28, 10, 6, 4))[0]
            if wait > 180 and rating > 2 and rng.random() < 0.5:
                rating -= 1  # long waits cost a star now and then
            chat["rating"] = rating
            if rng.random() < 0.3:
                comments = phrases["comments"]
                chat["rating_comment"] = comments[rng.randrange(4) if rating >= 4 else rng.randrange(2, 5)]
        chat.update(agent_id=final_agent, started_at=started_at, first_response_at=first_response_at,
                    ended_by=rng.choices(("agent", "visitor"), (60, 40))[0])

    def _message(
        self, chat: dict[str, Any], seq: int, author: AuthorKind, body: str, *, at: datetime, user_id: int | None
    ) -> None:
        message_id = self.ids.take(Message)
        chat["last_seq"] = seq
        self.rows.messages.append({
            "id": message_id, "session_id": chat["id"], "seq": seq, "author_kind": author,
            "author_user_id": user_id, "kind": MessageKind.TEXT, "system_event": None, "body": body,
            "client_msg_id": None, "attachment_id": None, "staff_only": False, "created_at": at,
            "read_at": at + timedelta(seconds=3),
        })  # the message is its own event in the session's log (chat/replay.py)

    def _request(self, chat: dict[str, Any], channel: ChannelPlan, created_at: datetime) -> int:
        request_id = self.ids.take(CrmRequest)
        contact = chat["visitor_name"] or chat["visitor_email"] or "an anonymous visitor"
        age = self.now - created_at
        self.rows.requests.append({
            "id": request_id, "contact_id": chat["contact_id"], "company_id": chat["company_id"],
            "session_id": chat["id"], "title": chat["first_question"][:255], "category": channel.request_category,
            "priority": "normal", "status": "closed" if age > timedelta(days=5) or self.rng.random() < 0.3 else "open",
            "body": f"{chat['first_question']}\n\nLeft from the chat queue by {contact}.", "created_at": created_at,
        })
        return request_id
