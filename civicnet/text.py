"""Members' Markdown, rendered once on save and cleaned by civicnet.security."""

import re

import emoji
from markdown_it import MarkdownIt

from civicnet.security import LINK_REL, sanitize_html, text_of_html

# Raw HTML off: members write Markdown, and anything that looks like a tag is shown as text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(
    ["linkify", "strikethrough"]
)
# Headings inside a bio or message sit below the page's own h1.
_markdown.disable("heading")


def _link_open(renderer, tokens, index, options, env):
    """Mark members' links nofollow and ugc, so the site lends them no weight."""
    tokens[index].attrSet("rel", LINK_REL)
    return renderer.renderToken(tokens, index, options, env)


_markdown.add_render_rule("link_open", _link_open)


# `:tada:`, `:+1:`, `:white_check_mark:`: Slack's and GitHub's shortcodes, looked up in the emoji
# package's table (GitHub's aliases and the Unicode names: about 4,700 lower-case names, kept up to date
# with Unicode) rather than a hand list that would always miss someone's favourite. A name must stand
# alone: "10:30:00" and "a:smile:b" stay as typed, and so does any name the table does not know.
SHORTCODE = re.compile(r"(?<!\w):([a-z0-9_+-]{1,40}):(?!\w)")


def _emoji_for(match: re.Match) -> str:
    return emoji.emojize(match.group(0), language="alias")


def replace_shortcodes(text: str) -> str:
    """Turn known `:shortcode:`s in plain text into their emoji; leave the rest as typed."""
    return SHORTCODE.sub(_emoji_for, text) if ":" in text else text


def _shortcodes(state) -> None:
    """Replace shortcodes in the text of every paragraph, heading and link, but not in code (its own
    token), nor in a bare URL that linkify or <...> made into a link (its text is the address)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_address = False
        for token in block.children:
            if token.type == "link_open":
                in_address = token.markup in ("linkify", "autolink")
            elif token.type == "link_close":
                in_address = False
            elif token.type == "text" and not in_address:
                token.content = replace_shortcodes(token.content)


# After text_join, which merges the pieces markdown-it splits text into (at "_", "+", ":"...).
_markdown.core.ruler.after("text_join", "shortcodes", _shortcodes)


# Text that Markdown can only turn into one paragraph of itself: one line of letters, digits, single
# spaces and punctuation that starts no Markdown construct, with a full stop only before a space or at
# the end (so it ends a sentence rather than naming a domain that linkify would link), and not starting
# with a number and a full stop (a list item). Most chat lines are like this, and rendering them is
# the costliest step of posting; tests/test_text.py checks the shortcut against the full renderer.
_PLAIN = re.compile(r"(?!\d+\.)(?:[^\W_]|[,;:'?!=%]|\.(?= |$)| (?! ))+")


def render_markdown(source: str) -> str:
    """Render Markdown to safe HTML."""
    if not source.strip():
        return ""
    if _PLAIN.fullmatch(source) and source[0] != " " and source[-1] != " ":
        return f"<p>{replace_shortcodes(source)}</p>\n"
    return sanitize_html(_markdown.render(source))


def plain_excerpt(source: str, length: int = 140) -> str:
    """A member's Markdown as one line of plain text, cut at a word near `length` characters."""
    return excerpt_of_html(render_markdown(source), length)


def excerpt_of_html(html: str, length: int = 140) -> str:
    """Rendered (and cleaned) HTML as one line of plain text, cut at a word near `length` characters: a
    quote of a message that was rendered when it was stored, without rendering its Markdown again."""
    words = " ".join(text_of_html(html).split())
    if len(words) <= length:
        return words
    return words[: length - 1].rsplit(" ", 1)[0] + "…"


def file_size(size: int) -> str:
    """A number of bytes as people read it: '820 bytes', '14 KB', '2.5 MB' (1 MB is 1,048,576 bytes)."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    amount, unit = size / 1024, "KB"
    for larger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, larger
    shown = f"{amount:.1f}".removesuffix(".0") if amount < 10 else str(round(amount))
    return f"{shown} {unit}"
