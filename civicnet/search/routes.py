"""The search page: one box for people, rooms, messages and the technology register, with tabs, facets and pages."""

from collections.abc import Callable

from flask import current_app, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select

from civicnet.accounts.models import ROLE_LABELS
from civicnet.errors import Invalid
from civicnet.extensions import db, limiter
from civicnet.register.models import VERDICTS
from civicnet.rooms.models import Room
from civicnet.rooms.permissions import can_read
from civicnet.rooms.titles import title_for
from civicnet.search import bp, services
from civicnet.search.payloads import hit_url
from civicnet.tags.models import Tag
from civicnet.tags.names import tag_slug

bp.add_app_template_global(hit_url)

TAB_LABELS = {"all": "All", "people": "People", "rooms": "Rooms", "messages": "Messages", "technology": "Technology"}
bp.add_app_template_global(VERDICTS, "verdict_labels")


SEARCH_LIMIT_MESSAGE = "You have searched a lot in a short time. Wait a minute, then search again."


def search_limits(member: Callable):
    """Limit searches per member (`member()` is who asks) and per address; the page and the API
    count together, so a member gets one allowance however they search."""
    per_member = limiter.shared_limit(
        lambda: current_app.config["SEARCH_LIMIT_PER_MEMBER"],
        scope="search-member",
        key_func=lambda: f"member-{member().id}",
        exempt_when=lambda: not member().is_authenticated,  # visitors are limited by their address
        error_message=SEARCH_LIMIT_MESSAGE,
    )
    per_address = limiter.shared_limit(
        lambda: current_app.config["SEARCH_LIMIT_PER_IP"],
        scope="search-address",
        key_func=get_remote_address,
        error_message=SEARCH_LIMIT_MESSAGE,
    )
    return lambda view: per_address(per_member(view))


def search_args() -> dict:
    """What the address asks for, as keyword arguments to services.search."""
    return {
        "type": request.args.get("type", "all"),
        "filters": {name: request.args.get(name, "") for name in services.FILTER_PARAMS},
        "sort": request.args.get("sort", ""),
        "page": request.args.get("page", 1, type=int),
    }


@bp.route("/search")
@search_limits(lambda: current_user)
def index():
    text = request.args.get("q", "")
    found, error, status = None, None, 200
    try:
        found = services.search(current_user, text, **search_args())
    except Invalid as invalid:
        error = invalid.message
    except services.SearchUnavailable:
        status = 503
    return render_template(
        "search/index.html", found=found, error=error, unavailable=status == 503, text=text, tabs=TAB_LABELS
    ), status


@bp.app_template_global()
def search_url(**changes) -> str:
    """This search's address with some parameters changed (None removes one); back to page 1."""
    args = {key: value for key, value in request.args.items() if key != "page"}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("search.index", **{key: value for key, value in args.items() if value != ""})


@bp.app_template_global()
def search_pagination(found: services.SearchResults, endpoint: str = "search.index") -> dict:
    """govukPagination parameters for a page of search results (on /search or the people directory)."""
    base = {key: value for key, value in request.args.items() if key != "page"}

    def link(number: int) -> str:
        return url_for(endpoint, **base, page=number)

    window = range(max(1, found.page - 2), min(found.pages, found.page + 2) + 1)
    return {
        "previous": {"href": link(found.page - 1)} if found.page > 1 else None,
        "next": {"href": link(found.page + 1)} if found.page < found.pages else None,
        "items": [{"number": n, "href": link(n), "current": n == found.page} for n in window],
    }


@bp.app_template_global()
def filter_label(name: str, value: str) -> str:
    """A chosen filter as people read it: a tag's or room's name rather than its address."""
    if name == "tag":
        tag = db.session.scalar(select(Tag).where(Tag.slug == tag_slug(value)))
        return tag.name if tag else value
    if name == "room":
        room = db.session.scalar(select(Room).where(Room.slug == value))
        return title_for(current_user, room) if room is not None and can_read(current_user, room) else value
    if name == "role":
        role = value.lower().replace("-", "_")
        return ROLE_LABELS.get(role, value)
    return value
