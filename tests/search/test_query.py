"""Reading what a member typed: words, phrases, exclusions, each operator, and a message for every mistake."""

import pytest

from civicnet.errors import Invalid
from civicnet.search.query import MAX_LENGTH, MAX_PARTS, MAX_PHRASE_WORDS, Operator, ParsedQuery, parse


def invalid(text: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse(text)
    return caught.value


# Words, phrases and exclusions


def test_plain_words_are_kept_in_order_to_be_anded():
    assert parse("open data council") == ParsedQuery(words=["open", "data", "council"])


def test_a_quoted_phrase_is_one_part_and_words_around_it_stay_words():
    assert parse('budget "impact assessment" 2026') == ParsedQuery(
        words=["budget", "2026"], phrases=["impact assessment"]
    )


def test_several_phrases_are_kept_apart():
    assert parse('"open data" "data protection"').phrases == ["open data", "data protection"]


@pytest.mark.parametrize(
    ("text", "excluded"),
    [
        ("-crypto", ["crypto"]),
        ('-"open data"', ["open data"]),
        ('council -crypto -"smart city"', ["crypto", "smart city"]),
    ],
)
def test_a_minus_excludes_a_word_or_a_phrase(text, excluded):
    parsed = parse(text)
    assert parsed.excluded == excluded
    assert "crypto" not in parsed.words
    assert "open data" not in parsed.phrases


def test_a_query_of_only_exclusions_is_empty_but_keeps_them():
    parsed = parse("-crypto")
    assert parsed.is_empty
    assert parsed.excluded == ["crypto"]


@pytest.mark.parametrize("text", ["", "   ", "\t\n", None])
def test_blank_input_is_an_empty_search(text):
    assert parse(text).is_empty
    assert parse(text) == ParsedQuery()


@pytest.mark.parametrize("text", [", ; !", "budget ,", "- budget"])
def test_punctuation_on_its_own_is_ignored(text):
    parsed = parse(text)
    assert parsed.words == ([] if "budget" not in text else ["budget"])
    assert parsed.excluded == []


def test_a_web_address_is_searched_as_words_not_read_as_an_operator():
    assert parse("https://example.org/report") == ParsedQuery(words=["https://example.org/report"])


def test_a_time_of_day_is_a_word_not_an_operator():
    assert parse("10:30 meeting") == ParsedQuery(words=["10:30", "meeting"])


def test_a_word_with_a_trailing_star_is_a_word_not_a_wildcard():
    # The parser builds no wildcard query: the star is dropped, and stemming finds the other endings.
    assert parse("assess*") == ParsedQuery(words=["assess"])


def test_curly_quotes_are_not_phrase_marks():
    assert parse("“open data”") == ParsedQuery(words=["“open", "data”"])


# Operators


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("tag:data-protection", "tag", "data-protection"),
        ('tag:"Data Protection"', "tag", "Data Protection"),
        ("from:amira", "from", "amira"),
        ("from:@amira", "from", "@amira"),
        ("in:ai-in-public-services", "in", "ai-in-public-services"),
        ("is:verified", "is", "verified"),
        ("is:VERIFIED", "is", "VERIFIED"),
        ("role:public-servant", "role", "public-servant"),
        ("before:2026-11-01", "before", "2026-11-01"),
        ("after:2026-11-01", "after", "2026-11-01"),
        ("TAG:budgets", "tag", "budgets"),
        ("From:amira", "from", "amira"),
    ],
)
def test_each_operator_is_read_with_its_value(text, name, value):
    assert parse(text) == ParsedQuery(operators=[Operator(name, value)])


def test_operators_mix_with_words_and_phrases():
    parsed = parse('from:amira "impact assessment" budget in:open-data')
    assert parsed.words == ["budget"]
    assert parsed.phrases == ["impact assessment"]
    assert parsed.operators == [Operator("from", "amira"), Operator("in", "open-data")]
    assert not parsed.is_empty


def test_an_operator_alone_is_not_an_empty_search():
    assert not parse("is:verified").is_empty


def test_a_minus_before_an_operator_negates_it_and_values_leave_it_out():
    parsed = parse("tag:budgets -from:amira -tag:crypto")
    assert parsed.operators == [
        Operator("tag", "budgets"),
        Operator("from", "amira", negated=True),
        Operator("tag", "crypto", negated=True),
    ]
    assert parsed.values("tag") == ["budgets"]
    assert parsed.values("from") == []


def test_values_lists_every_use_of_an_operator():
    assert parse("tag:budgets tag:open-data").values("tag") == ["budgets", "open-data"]


def test_a_quoted_operator_value_keeps_its_spaces_trimmed():
    assert parse('tag:"  open data "').operators == [Operator("tag", "open data")]


@pytest.mark.parametrize("text", ["before:2026-02-28", "after:2024-02-29"])
def test_real_dates_are_accepted(text):
    assert len(parse(text).operators) == 1


# Limits


def test_a_search_at_the_length_limit_is_read():
    text = " ".join(["w" * 24] * MAX_PARTS)  # 20 words of 24 letters and 19 spaces: 499 characters
    assert len(text) <= MAX_LENGTH
    assert parse(text).words == ["w" * 24] * MAX_PARTS
    assert parse("x" * MAX_LENGTH).words == ["x" * MAX_LENGTH]


def test_a_search_with_the_most_parts_allowed_is_read():
    assert len(parse(" ".join(f"w{n}" for n in range(MAX_PARTS))).words) == MAX_PARTS


def test_a_phrase_with_the_most_words_allowed_is_read():
    phrase = " ".join(f"w{n}" for n in range(MAX_PHRASE_WORDS))
    assert parse(f'"{phrase}"').phrases == [phrase]


# Mistakes: each gets a message on the search box ("q") saying what to change


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 5000, "Search for 500 characters or fewer"),
        ("budget " * 100, "Search for 500 characters or fewer"),
        ("a" * (MAX_LENGTH + 1), "Search for 500 characters or fewer"),
        (
            'open "data',
            'Close the quotation mark: phrases go between a pair of double quotes, like "open data"',
        ),
        ('"', 'Close the quotation mark: phrases go between a pair of double quotes, like "open data"'),
        (
            '"open data" "impact',
            'Close the quotation mark: phrases go between a pair of double quotes, like "open data"',
        ),
        (
            "*",
            "civicnet does not use wildcards: search for whole words, and it finds their other endings too "
            "(searching for assess finds assessment)",
        ),
        (
            "?",
            "civicnet does not use wildcards: search for whole words, and it finds their other endings too "
            "(searching for assess finds assessment)",
        ),
        (
            "budget **?",
            "civicnet does not use wildcards: search for whole words, and it finds their other endings too "
            "(searching for assess finds assessment)",
        ),
        (
            "-*",
            "civicnet does not use wildcards: search for whole words, and it finds their other endings too "
            "(searching for assess finds assessment)",
        ),
        (
            "region:London",
            "civicnet does not know the filter “region:”. Use tag:, from:, in:, is:verified, role:, before: and "
            'after:, or put the words in quotes to search for them, like "region:London"',
        ),
        (
            "budget re:minutes",
            "civicnet does not know the filter “re:”. Use tag:, from:, in:, is:verified, role:, before: and "
            'after:, or put the words in quotes to search for them, like "re:minutes"',
        ),
        (
            '-sort:"newest first"',
            "civicnet does not know the filter “sort:”. Use tag:, from:, in:, is:verified, role:, before: and "
            'after:, or put the words in quotes to search for them, like "sort:newest first"',
        ),
        ("is:admin", "is: can only be is:verified (verified public servants)"),
        ("is:suspended", "is: can only be is:verified (verified public servants)"),
        ("before:yesterday", "Write the date after before: as year-month-day, for example before:2026-11-01"),
        ("after:2026-13-01", "Write the date after after: as year-month-day, for example after:2026-11-01"),
        ("after:2026-02-30", "Write the date after after: as year-month-day, for example after:2026-11-01"),
        ("-before:soon", "Write the date after before: as year-month-day, for example before:2026-11-01"),
        ('tag:""', "Say what to look for after tag:, for example tag:data-protection"),
        ('from:"  "', "Say what to look for after from:, for example from:amira"),
        ('in:""', "Say what to look for after in:, for example in:ai-in-public-services"),
        ('role:""', "Say what to look for after role:, for example role:public-servant"),
        (" ".join(f"w{n}" for n in range(MAX_PARTS + 1)), "Use at most 20 words, phrases and filters in one search"),
        (
            '"' + " ".join(f"w{n}" for n in range(MAX_PHRASE_WORDS + 1)) + '"',
            "Quote at most 12 words in a phrase",
        ),
    ],
)
def test_a_bad_search_gets_a_message_on_the_search_box(text, message):
    error = invalid(text)
    assert error.field == "q"
    assert error.message == message


def test_the_length_limit_is_checked_before_anything_else():
    # An unbalanced quote and a wildcard in an over-long search: the length is what to fix first.
    assert invalid('"*' + "x" * 5000).message == "Search for 500 characters or fewer"


def test_the_known_filters_are_named_in_the_unknown_filter_message():
    message = invalid("colour:red").message
    for name in ("tag:", "from:", "in:", "is:verified", "role:", "before:", "after:"):
        assert name in message


@pytest.mark.parametrize("text", ["tag:", "tag: data-protection", "before:", "budget in:"])
def test_an_operator_with_nothing_after_it_asks_what_to_look_for(text):
    assert invalid(text).message.startswith("Say what to look for after ")
