"""@username mentions: found in a message's Markdown and turned into profile links."""

import re

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{2,29})\b")


def mentioned_usernames(body: str) -> set[str]:
    return {name.lower() for name in MENTION.findall(body)}


def link_mentions(body: str, usernames: set[str]) -> str:
    """Rewrite mentions of real members as Markdown links to their profiles (usernames are URL-safe)."""

    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        return f"[@{name}](/people/{name})" if name in usernames else match.group(0)

    return MENTION.sub(replace, body)
