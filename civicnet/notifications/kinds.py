"""The registry of notification kinds: each capability registers the kinds it sends, with a renderer,
the event (civicnet.notifications.preferences) that decides their channel, and, if the generic email
will not do, an email of its own.

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
    private: bool = False  # from a private room: a member may keep its text out of their emails
    group: str = ""  # the digest's heading for it (a room's or tag's name); by default the link text
    person: object | None = None  # the member it names, whose avatar the page shows beside it

    @property
    def quote(self) -> str:
        """The excerpt for the page, unless it only says again what the link says."""
        return "" if self.excerpt.casefold() == self.link_text.casefold() else self.excerpt


@dataclass(frozen=True)
class OwnEmail:
    """A kind's own email, for a notification emailed on its own: templates/<template>.txt (and .html)."""

    subject: str
    template: str
    context: dict


Renderer = Callable[[object], Shown | None]
_RENDERERS: dict[str, Renderer] = {}
_EVENTS: dict[str, str] = {}
_EMAILS: dict[str, Callable[[object], OwnEmail | None]] = {}


def register(*kinds: str, event: str | dict[str, str] | None = None):
    """Decorator: render these kinds with the decorated function. `event` names the preference event
    that decides their channel (one for all, or one per kind); a kind without one stays on the site."""

    def decorator(renderer: Renderer) -> Renderer:
        for kind in kinds:
            if kind in _RENDERERS:
                raise ValueError(f"notification kind {kind!r} is registered twice")
            _RENDERERS[kind] = renderer
            chosen = event.get(kind) if isinstance(event, dict) else event
            if chosen:
                _EVENTS[kind] = chosen
        return renderer

    return decorator


def register_email(*kinds: str):
    """Decorator: the email for one notification of these kinds, instead of the generic one."""

    def decorator(function):
        for kind in kinds:
            _EMAILS[kind] = function
        return function

    return decorator


def render(notification) -> Shown | None:
    renderer = _RENDERERS.get(notification.kind)
    return renderer(notification) if renderer else None


def event_of(kind: str) -> str | None:
    return _EVENTS.get(kind)


def own_email(notification) -> OwnEmail | None:
    function = _EMAILS.get(notification.kind)
    return function(notification) if function else None
