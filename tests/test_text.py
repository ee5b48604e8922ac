"""The plain-text shortcut of render_markdown gives exactly what the full Markdown renderer and
sanitiser give, for every line it takes, and leaves every other line to them; :shortcode: emoji."""

import random

import pytest

from civicnet import text
from civicnet.security import sanitize_html

pytestmark = pytest.mark.no_database

ALPHABET = "abcXYZé9 0,;:'?!=%.-*_#>`~[]()<&\"@/\\\n\tñ漢"
TAKEN = [
    "Hello there",
    "t=1733 a short benchmark message, about as long as a typical chat line in a room",
    "Is this right? Yes! 100% sure; 3:30 works.",
    "End of a sentence. Next one",
    "Ça va bien, merci",
    "Well done :tada: see you at 10:30:00",
    "Done :smile::eyes: and :nosuchemoji:",
]
LEFT = [
    "1. a list",
    "see example.com",
    "visit www.example.org now",
    "mail me at a@b.org",
    "two  spaces",
    " leading space",
    "a - b",
    "**bold**",
    "line\nbreak",
    "x.y",
    "1.2.3.4",
    "<script>",
    "a & b",
]


def full(source: str) -> str:
    return sanitize_html(text._markdown.render(source))


@pytest.mark.parametrize("source", TAKEN)
def test_plain_lines_take_the_shortcut_and_match_the_renderer(source):
    assert text._PLAIN.fullmatch(source)
    assert text.render_markdown(source) == full(source)


@pytest.mark.parametrize("source", LEFT)
def test_anything_markdown_or_linkify_could_change_goes_to_the_renderer(source):
    assert not text._PLAIN.fullmatch(source) or source != source.strip()
    assert text.render_markdown(source) == full(source)


def test_thousands_of_random_lines_render_the_same_either_way():
    generator = random.Random(11)
    taken = 0
    for _ in range(20_000):
        source = "".join(generator.choice(ALPHABET) for _ in range(generator.randint(1, 30)))
        if not source.strip():
            continue
        if text._PLAIN.fullmatch(source):  # any other line goes to full() itself: nothing to compare
            taken += 1
            assert text.render_markdown(source) == full(source), repr(source)
    assert taken > 100  # the shortcut was exercised, not just skipped


def test_lines_made_mostly_of_plain_characters_render_the_same_either_way():
    generator = random.Random(12)
    alphabet = "abcdexyz ABC 0189 é漢 ,;:'?!=%. ."
    taken = 0
    for _ in range(20_000):
        source = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 60))).strip()
        if source and text._PLAIN.fullmatch(source):
            taken += 1
            assert text.render_markdown(source) == full(source), repr(source)
    assert taken > 2_000


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (
            ":thumbsup: :heart: :tada: :smile: :thinking: :eyes: :wave: :+1: :-1: :warning: :white_check_mark: :x:",
            "<p>👍 ❤️ 🎉 😄 🤔 👀 👋 👍 👎 ⚠️ ✅ ❌</p>\n",
        ),
        ("**Shipped** :rocket::fire:", "<p><strong>Shipped</strong> 🚀🔥</p>\n"),
        ("Thanks :pray:", "<p>Thanks 🙏</p>\n"),  # the plain-text shortcut
        (
            "[Nice :clap:](https://example.org/)",
            '<p><a href="https://example.org/" rel="nofollow ugc noopener">Nice 👏</a></p>\n',
        ),
    ],
)
def test_known_shortcodes_become_emoji(source, html):
    assert text.render_markdown(source) == html


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("Run `:tada:` and :tada:", "<code>:tada:</code> and 🎉"),
        ("```\n:tada: :x:\n```", "<pre><code>:tada: :x:\n</code></pre>"),
        ("    :tada: indented code", "<pre><code>:tada: indented code\n</code></pre>"),
        ("see https://example.org/:tada:/page", ">https://example.org/:tada:/page</a>"),
        ("see <https://example.org/:x:>", ">https://example.org/:x:</a>"),
        (":nosuchemoji: and :Tada: stay", "<p>:nosuchemoji: and :Tada: stay</p>"),
        ("at 10:30:00, a:smile:b", "<p>at 10:30:00, a:smile:b</p>"),
    ],
)
def test_shortcodes_stay_as_typed_in_code_addresses_and_unknown_names(source, kept):
    assert kept in text.render_markdown(source)


def test_shortcodes_reach_the_plain_excerpt_of_emails_and_notifications():
    assert text.plain_excerpt("Merged :white_check_mark: thanks :+1:") == "Merged ✅ thanks 👍"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(1, "1 byte"), (820, "820 bytes"), (1536, "1.5 KB"), (5 * 1024 * 1024, "5 MB"), (123_456_789, "118 MB")],
)
def test_file_sizes_read_as_people_say_them(size, shown):
    assert text.file_size(size) == shown
