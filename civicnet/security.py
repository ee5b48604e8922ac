"""HTML sanitising: the only module that imports bleach, so it can be swapped."""

import threading
from html import unescape

from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
        "del",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


LINK_REL = "nofollow ugc noopener"


# Built once: bleach.clean() builds a new Cleaner (an html5lib parser, walker and serializer) on every
# call, which costs about as much as the cleaning. A Cleaner's parser keeps state while it works, so
# one cleaning at a time: the lock is never contended under gevent (cleaning never yields) and keeps
# threaded servers and tests correct.
_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)
_cleaning = threading.Lock()


def sanitize_html(html: str) -> str:
    """Return html with only the tags, attributes and link schemes civicnet allows."""
    with _cleaning:
        return _cleaner.clean(html)


_text_only = Cleaner(tags=frozenset(), attributes={}, strip=True, strip_comments=True)


def text_of_html(html: str) -> str:
    """The words of some HTML without its tags, for places that show plain text (still escaped there)."""
    with _cleaning:
        stripped = _text_only.clean(html)
    return unescape(stripped)
