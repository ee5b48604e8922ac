"""The word filter: phrases moderators list, each with an action (block, hold for review, or flag)."""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civicnet import audit, signals
from civicnet.accounts.permissions import check_moderator
from civicnet.connections import authority_changed
from civicnet.errors import Conflict, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.memo import remembered
from civicnet.moderation.models import WordFilter
from civicnet.moderation.rules import WORD_ACTIONS
from civicnet.transactions import commit

MAX_PHRASE = 100
# When a message matches several phrases, the strictest action applies.
STRICTNESS = ("block", "hold", "flag")
WORD_LIST_CHANGED = "word_list_changed"


@dataclass
class Match:
    phrase: str
    action: str


def word_filters() -> list[WordFilter]:
    return list(db.session.scalars(select(WordFilter).order_by(WordFilter.phrase)))


def _compiled() -> list[tuple[re.Pattern, str, str]]:
    """The word list as compiled patterns, kept in the process until the list changes (every post reads it)."""

    def load():
        return [(_pattern(f.phrase), f.phrase, f.action) for f in word_filters()]

    return remembered(("word_filters",), load, depends_on=(("reason", WORD_LIST_CHANGED),))


def _pattern(phrase: str) -> re.Pattern:
    # Whole words only, so "ass" does not catch "class"; spaces in a phrase match any run of whitespace.
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


@signals.screen_text.connect
def check_text(text: str, **_) -> Match | None:
    """The strictest filter the text matches, if any."""
    found = [(phrase, action) for pattern, phrase, action in _compiled() if pattern.search(text)]
    if not found:
        return None
    phrase, action = min(found, key=lambda match: STRICTNESS.index(match[1]))
    return Match(phrase, action)


def add_word(actor, phrase, action) -> WordFilter:
    check_moderator(actor)
    phrase = " ".join(str(phrase or "").split()).lower()
    if not phrase:
        raise Invalid("phrase", "Enter a word or phrase")
    if len(phrase) > MAX_PHRASE:
        raise Invalid("phrase", f"The phrase must be {MAX_PHRASE} characters or fewer")
    if action not in WORD_ACTIONS:
        raise Invalid("action", "Choose what happens to a message that contains it")
    word = WordFilter(phrase=phrase, action=action, created_by_id=actor.id)
    db.session.add(word)
    audit.record(actor, "add_word_filter", reason=action, note=phrase)
    authority_changed(WORD_LIST_CHANGED)
    try:
        commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"“{phrase}” is already on the list") from None
    return word


def remove_word(actor, word_id) -> None:
    check_moderator(actor)
    word = db.session.get(WordFilter, word_id) if is_id(word_id) else None
    if word is None:
        raise NotFound("That phrase is not on the list (someone may have removed it already)")
    audit.record(actor, "remove_word_filter", reason=word.action, note=word.phrase)
    db.session.delete(word)
    authority_changed(WORD_LIST_CHANGED)
    commit()
