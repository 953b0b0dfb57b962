"""FAQ suggestions before the queue: the published articles of the channel's FAQ folder that best match
the visitor's first question (SuperOffice shows up to three; "No, I want to chat with a person" queues).

Matching is by words, not by an index: FAQ folders hold tens of articles. A word of the question that
equals a word of the article counts fully; one that shares a stem of at least five letters counts
partly ("lösenordet" ~ "lösenord", "invoices" ~ "invoice"). Words in the keywords weigh most, then the
article's question, then its answer; an article must match in its keywords or question to be suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.models import Channel, FaqArticle, Folder

MAX_SUGGESTIONS = 3
MIN_WORD = 3
STEM = 5
WEIGHTS = {"keywords": 3.0, "question": 2.0, "answer": 1.0}
_STOPWORDS_TEXT = (
    "the and for you your are can how what where when why who does did has have had was were will with "
    "not but this that from into out our any all get got its it's i'm i've dont don't cant can't "
    "och att det som för med har jag inte den ett till kan man hur var vad när varför mitt min mina "
    "din dina ska vill får från på är av om eller men så de vi ni"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Suggestion:
    id: int
    question: str
    answer: str


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) >= MIN_WORD and w not in STOPWORDS]


def _word_score(word: str, candidates: set[str]) -> float:
    if word in candidates:
        return 1.0
    if len(word) >= STEM and any(len(c) >= STEM and c[:STEM] == word[:STEM] for c in candidates):
        return 0.6
    return 0.0


def score(question_words: list[str], article: FaqArticle) -> float:
    """0 when the article matches only in its answer (too weak to suggest)."""
    fields = {"keywords": article.keywords, "question": article.question, "answer": article.answer}
    per_field = {name: set(words(text)) for name, text in fields.items()}
    total = 0.0
    strong = False
    for word in dict.fromkeys(question_words):
        for name, candidates in per_field.items():
            hit = _word_score(word, candidates)
            total += hit * WEIGHTS[name]
            strong = strong or (hit > 0 and name != "answer")
    return total if strong else 0.0


def faq_folder_ids(db: Session, root_id: int) -> list[int]:
    """The folder and every folder below it."""
    found = [root_id]
    frontier = [root_id]
    while frontier:
        frontier = [f for f in db.scalars(select(Folder.id).where(Folder.parent_id.in_(frontier)))
                    if f not in found]
        found.extend(frontier)
    return found


def faq_suggestions(db: Session, channel: Channel, question: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Best matches first; empty when the channel has no FAQ folder or nothing matches."""
    wanted = words(question)
    if channel.faq_folder_id is None or not wanted:
        return []
    articles = db.scalars(
        select(FaqArticle).where(
            FaqArticle.folder_id.in_(faq_folder_ids(db, channel.faq_folder_id)),
            FaqArticle.published.is_(True),
            FaqArticle.public.is_(True),
        )
    )
    scored = [(score(wanted, article), article) for article in articles]
    ranked = sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: (-pair[0], pair[1].id))
    return [Suggestion(a.id, a.question, a.answer) for _, a in ranked[:max(0, min(limit, MAX_SUGGESTIONS))]]
