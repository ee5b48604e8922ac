"""The registry of notification kinds: each capability registers the kinds it sends, with a renderer.

A renderer turns a notification into what a member sees, in plain text (the page escapes it), or None
when its subject no longer exists or may no longer be shown."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Shown:
    lead: str  # the words before the link: "Ada Lovelace mentioned you in"
    link_text: str  # the link itself: the room's name, "Your appeal was upheld"
    url: str  # absolute: also sent by email and from outside requests
    excerpt: str = ""  # plain text, never Markdown or HTML
    fields: dict = field(default_factory=dict)  # kind-specific keys of the live event's payload

    @property
    def quote(self) -> str:
        """The excerpt for the page, unless it only says again what the link says."""
        return "" if self.excerpt.casefold() == self.link_text.casefold() else self.excerpt


Renderer = Callable[[object], Shown | None]
_RENDERERS: dict[str, Renderer] = {}


def register(*kinds: str):
    """Decorator: render these kinds with the decorated function."""

    def decorator(renderer: Renderer) -> Renderer:
        for kind in kinds:
            if kind in _RENDERERS:
                raise ValueError(f"notification kind {kind!r} is registered twice")
            _RENDERERS[kind] = renderer
        return renderer

    return decorator


def render(notification) -> Shown | None:
    renderer = _RENDERERS.get(notification.kind)
    return renderer(notification) if renderer else None
