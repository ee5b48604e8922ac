"""Template helpers: lengths of time and counts read as people write them."""

import pytest

from civicnet.templating import duration, plural

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0, "0 minutes"),
        (0.001, "1 minute"),
        (1 / 60, "1 minute"),
        (0.5, "30 minutes"),
        (1, "1 hour"),
        (1.04, "1 hour"),
        (2.5, "2.5 hours"),
        (24, "24 hours"),
    ],
)
def test_a_duration_is_in_words_with_the_right_plural(hours, words):
    assert duration(hours) == words


def test_a_count_takes_the_plural_unless_it_is_one():
    assert [plural(n, "report") for n in (0, 1, 2)] == ["0 reports", "1 report", "2 reports"]
