"""FAQ suggestions before the queue: the channel's own published articles that match the first question."""

from __future__ import annotations

from chat.actions.faq import faq_suggestions, words
from chat.db import Database
from chat.models import Channel, FaqArticle, Folder
from tests.factories import make_channel


def faq_channel(database: Database) -> int:
    with database.write() as db:
        root = Folder(name="Support FAQ", kind="faq")
        other = Folder(name="Sales FAQ", kind="faq")
        db.add_all([root, other])
        db.flush()
        child = Folder(name="Accounts", kind="faq", parent_id=root.id)
        db.add(child)
        db.flush()
        db.add_all([
            FaqArticle(folder_id=root.id, question="How do I reset my password?",
                       answer="Click 'Forgot password' on the login page.", keywords="password, login, reset"),
            FaqArticle(folder_id=child.id, question="How do I add a user?", answer="Admins invite users under Team.",
                       keywords="user, team, invite"),
            FaqArticle(folder_id=root.id, question="Where are my invoices?", answer="Under Settings → Billing.",
                       keywords="invoice, billing"),
            FaqArticle(folder_id=root.id, question="Old password rules", answer="Passwords expired yearly.",
                       keywords="password", published=False),
            FaqArticle(folder_id=root.id, question="Internal: password resets for VIPs", answer="Escalate.",
                       keywords="password", public=False),
            FaqArticle(folder_id=other.id, question="Can I change my password on the trial?", answer="Yes.",
                       keywords="password, trial"),
            FaqArticle(folder_id=root.id, question="Lösenordet fungerar inte", answer="Återställ det.",
                       keywords="lösenord, inloggning", language="sv"),
        ])
        return make_channel(db, faq_folder_id=root.id).id


def suggest(database: Database, channel_id: int, question: str) -> list[str]:
    with database.read() as db:
        channel = db.get(Channel, channel_id)
        assert channel is not None
        return [s.question for s in faq_suggestions(db, channel, question)]


def test_best_match_first_from_the_channels_folder_and_its_subfolders(database: Database) -> None:
    channel_id = faq_channel(database)
    assert suggest(database, channel_id, "I forgot my password and cannot log in")[0] == "How do I reset my password?"
    assert suggest(database, channel_id, "How can I invite a new user to my team?") == ["How do I add a user?"]


def test_unpublished_private_and_other_folders_are_never_suggested(database: Database) -> None:
    channel_id = faq_channel(database)
    found = suggest(database, channel_id, "password password trial rules VIPs")
    assert "Old password rules" not in found
    assert "Internal: password resets for VIPs" not in found
    assert "Can I change my password on the trial?" not in found


def test_word_forms_match_by_stem(database: Database) -> None:
    channel_id = faq_channel(database)
    assert suggest(database, channel_id, "Jag har glömt lösenordet") == ["Lösenordet fungerar inte"]
    assert suggest(database, channel_id, "I can't find the invoices") == ["Where are my invoices?"]


def test_at_most_three_and_nothing_for_unrelated_or_empty_questions(database: Database) -> None:
    channel_id = faq_channel(database)
    assert len(suggest(database, channel_id, "password user invoice login team billing lösenord")) == 3
    assert suggest(database, channel_id, "What is the weather like today?") == []
    assert suggest(database, channel_id, "") == []
    assert suggest(database, channel_id, "the and for you") == []


def test_a_match_only_in_the_answer_is_too_weak(database: Database) -> None:
    channel_id = faq_channel(database)
    assert suggest(database, channel_id, "settings") == []


def test_a_channel_without_faq_folder_suggests_nothing(database: Database) -> None:
    with database.write() as db:
        channel_id = make_channel(db).id
    assert suggest(database, channel_id, "password") == []


def test_words_are_lower_case_without_short_words_and_stopwords() -> None:
    found = words("How do I RESET my Password? Jag har glömt lösenordet!")
    assert found == ["reset", "password", "glömt", "lösenordet"]
