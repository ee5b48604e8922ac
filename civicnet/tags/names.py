"""Skill-tag names: one slug for every way of writing the same tag."""

import re
import unicodedata

MAX_TAGS_PER_LIST = 10
MAX_TAG_LENGTH = 50


def tag_slug(name: str) -> str:
    """Fold case, accents, spaces and punctuation: 'Data Protection' and 'data-protection' are one tag."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def clean_tag_name(name: str) -> str:
    """The display name: whitespace collapsed, ends trimmed."""
    return " ".join(name.split())


def split_tag_list(text: str) -> list[str]:
    """Split a comma-separated field into names, keeping the first spelling of each tag."""
    names: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[,\n;]", text or ""):
        name = clean_tag_name(part)
        slug = tag_slug(name)
        if name and slug not in seen:
            seen.add(slug)
            names.append(name)
    return names
