"""Members' Markdown, rendered once on save and cleaned by civicnet.security."""

from markdown_it import MarkdownIt

from civicnet.security import LINK_REL, sanitize_html

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


def render_markdown(source: str) -> str:
    """Render Markdown to safe HTML."""
    if not source.strip():
        return ""
    return sanitize_html(_markdown.render(source))
