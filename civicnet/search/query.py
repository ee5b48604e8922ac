"""Read what a member typed into a search: words, quoted phrases, -exclusions and operators.

Parsing is ours, not Whoosh's query language, so every mistake gets a message a member can act
on and no input can build an expensive query (no wildcards, no fuzzy terms, bounded sizes)."""

import re
from dataclasses import dataclass, field
from datetime import date

from civicnet.errors import Invalid

MAX_LENGTH = 500
MAX_PARTS = 20
MAX_PHRASE_WORDS = 12

OPERATORS = ("tag", "from", "in", "is", "role", "before", "after")
OPERATOR_HELP = "tag:, from:, in:, is:verified, role:, before: and after:"
IS_VALUES = ("verified",)

# An operator is letters then a colon, with the value either quoted or up to the next space.
_PART = re.compile(r'(?P<neg>-)?(?:(?P<op>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))')


@dataclass
class Operator:
    name: str
    value: str
    negated: bool = False


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # words and phrases to leave out
    operators: list[Operator] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.operators)

    def values(self, name: str) -> list[str]:
        return [op.value for op in self.operators if op.name == name and not op.negated]


def _fail(message: str) -> Invalid:
    return Invalid("q", message)


def parse_date(name: str, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _fail(f"Write the date after {name}: as year-month-day, for example {name}:2026-11-01") from None
    if not 1900 <= day.year <= 9000:
        raise _fail(f"Choose a date between the years 1900 and 9000 for {name}:")
    return day


def parse(text: str) -> ParsedQuery:
    """Split a search into its parts, or raise Invalid with what to change."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise _fail(f"Search for {MAX_LENGTH} characters or fewer")
    if text.count('"') % 2:
        raise _fail('Close the quotation mark: phrases go between a pair of double quotes, like "open data"')
    parsed = ParsedQuery()
    position, parts = 0, 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _PART.match(text, position)
        if match is None:  # a lone quote mark glued to a word, e.g. ab"c d"
            raise _fail('Put a space before each opening quotation mark, like data "impact assessment"')
        position = match.end()
        parts += 1
        if parts > MAX_PARTS:
            raise _fail(f"Use at most {MAX_PARTS} words, phrases and filters in one search")
        _add(parsed, match)
    return parsed


def _add(parsed: ParsedQuery, match: re.Match) -> None:
    negated = bool(match["neg"])
    op, quoted, bare = match["op"], match["quoted"], match["bare"]
    value = quoted if quoted is not None else bare
    if op is not None:
        name = op.lower()
        if name not in OPERATORS:
            if value.startswith("//"):  # a web address, not an operator
                _add_words(parsed, f"{op}:{value}", negated, phrase=False)
                return
            raise _fail(
                f"civicnet does not know the filter “{op}:”. Use {OPERATOR_HELP}, "
                f'or put the words in quotes to search for them, like "{op}:{value}"'
            )
        if not value.strip():
            raise _fail(f"Say what to look for after {name}:, for example {_EXAMPLES[name]}")
        _check_operator(name, value.strip())
        parsed.operators.append(Operator(name, value.strip(), negated))
        return
    _add_words(parsed, value, negated, phrase=quoted is not None)


_EXAMPLES = {
    "tag": "tag:data-protection",
    "from": "from:amira",
    "in": "in:ai-in-public-services",
    "is": "is:verified",
    "role": "role:public-servant",
    "before": "before:2026-11-01",
    "after": "after:2026-11-01",
}


def _check_operator(name: str, value: str) -> None:
    if name == "is" and value.lower() not in IS_VALUES:
        raise _fail("is: can only be is:verified (verified public servants)")
    if name in ("before", "after"):
        parse_date(name, value)


def _add_words(parsed: ParsedQuery, value: str, negated: bool, phrase: bool) -> None:
    if not phrase and re.fullmatch(r"[A-Za-z]+:", value) and value[:-1].lower() in OPERATORS:
        name = value[:-1].lower()
        raise _fail(f"Say what to look for after {name}:, for example {_EXAMPLES[name]}")
    if not re.search(r"\w", value):
        if re.fullmatch(r"[*?]+", value):
            raise _fail(
                "civicnet does not use wildcards: search for whole words, and it finds their other endings "
                "too (searching for assess finds assessment)"
            )
        return  # punctuation on its own means nothing to search for
    # Stemming already finds other endings, so a wildcard at the end of a word is simply dropped.
    value = re.sub(r"[*?]", " ", value).strip()
    if phrase and len(value.split()) > MAX_PHRASE_WORDS:
        raise _fail(f"Quote at most {MAX_PHRASE_WORDS} words in a phrase")
    if negated:
        parsed.excluded.append(value)
    elif phrase:
        parsed.phrases.append(value)
    else:
        parsed.words.append(value)
