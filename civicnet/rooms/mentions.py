"""@username mentions: found in a message's Markdown and turned into profile links."""

import re

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{2,29})\b")
# Fenced blocks and inline code spans: mentions inside them are code, not people.
CODE = re.compile(r"(^```.*?^```|^~~~.*?^~~~|(`+).+?\2)", re.DOTALL | re.MULTILINE)


def _outside_code(body: str):
    """Yield (text, is_code) pieces of a message."""
    position = 0
    for match in CODE.finditer(body):
        yield body[position : match.start()], False
        yield match.group(0), True
        position = match.end()
    yield body[position:], False


def mentioned_usernames(body: str) -> set[str]:
    return {name.lower() for text, is_code in _outside_code(body) if not is_code for name in MENTION.findall(text)}


def link_mentions(body: str, usernames: set[str]) -> str:
    """Rewrite mentions of real members as Markdown links to their profiles (usernames are URL-safe)."""

    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        return f"[@{name}](/people/{name})" if name in usernames else match.group(0)

    return "".join(text if is_code else MENTION.sub(replace, text) for text, is_code in _outside_code(body))
