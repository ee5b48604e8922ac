"""Profile rules: who may see a profile, editing one, and the people directory."""

from dataclasses import dataclass

from sqlalchemy import Select, exists, select

from civicnet import signals
from civicnet.accounts.models import ROLES, User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.accounts.services import find_user_by_username, is_suspended
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.profiles.models import PUBLIC, REGIONS, VISIBILITIES, Profile
from civicnet.tags.models import HELP, LEARN, Tag, UserTag
from civicnet.tags.services import check_tag_names, replace_tags
from civicnet.text import render_markdown

PEOPLE_PER_PAGE = 20


@dataclass
class ProfileChanges:
    display_name: str
    pronouns: str = ""
    organisation: str = ""
    job_title: str = ""
    region: str = ""
    bio: str = ""
    visibility: str = PUBLIC
    help_tags: str = ""
    learn_tags: str = ""


@signals.member_registered.connect
def _give_profile(user, **_) -> None:
    """Every member has a profile from the start (empty until they fill it in)."""
    user.profile = Profile()


def can_view_profile(viewer, user: User) -> bool:
    """Members-only profiles need a signed-in viewer; suspended members are hidden except from moderators."""
    if is_signed_in(viewer) and viewer.id == user.id:
        return True
    if is_suspended(user) and not is_moderator(viewer):
        return False
    return user.profile.visibility == PUBLIC or is_signed_in(viewer)


def visible_people_filter(viewer) -> list:
    """SQL conditions matching can_view_profile, for listings."""
    now = utcnow()
    conditions = []
    if not is_moderator(viewer):
        conditions.append(
            (User.suspended_at.is_(None)) | (User.suspended_until.is_not(None) & (User.suspended_until <= now))
        )
    if not is_signed_in(viewer):
        conditions.append(Profile.visibility == PUBLIC)
    return conditions


def is_listed(viewer, user) -> bool:
    """Whether the member appears in the directory and search for this viewer (as listed_people_filter)."""
    return is_moderator(viewer) or user.profile is None or user.profile.listed


def listed_people_filter(viewer) -> list:
    """visible_people_filter, without the members who asked not to be listed (moderators see them)."""
    return visible_people_filter(viewer) + ([] if is_moderator(viewer) else [Profile.listed.is_(True)])


def get_visible_profile(viewer, username: str) -> User:
    """The member behind /people/<username>; a profile the viewer may not see does not exist for them."""
    user = find_user_by_username(username)
    if user is None or not can_view_profile(viewer, user):
        raise NotFound("No member has that username")
    return user


def update_profile(actor: User, user: User, changes: ProfileChanges) -> User:
    """Save a member's profile and both tag lists."""
    if actor.id != user.id:
        raise Forbidden("You can only edit your own profile")
    display_name = " ".join(changes.display_name.split())
    if not display_name:
        raise Invalid("display_name", "Enter a display name")
    if changes.region and changes.region not in REGIONS:
        raise Invalid("region", "Choose a region from the list")
    if changes.visibility not in VISIBILITIES:
        raise Invalid("visibility", "Choose who can see your profile")
    help_names = check_tag_names("help_tags", changes.help_tags)
    learn_names = check_tag_names("learn_tags", changes.learn_tags)
    profile = user.profile
    organisation = changes.organisation.strip() or None
    if user.is_verified_public_servant and (display_name, organisation) != (user.display_name, profile.organisation):
        # A verified tick must not travel to another name or organisation.
        field = "display_name" if display_name != user.display_name else "organisation"
        raise Invalid(
            field,
            "Your name and organisation are locked while you are verified. End your verification to change them, then verify again",
        )

    user.display_name = display_name
    profile.pronouns = changes.pronouns.strip() or None
    profile.organisation = organisation
    profile.job_title = changes.job_title.strip() or None
    profile.region = changes.region or None
    profile.bio_markdown = changes.bio.strip()
    profile.bio_html = render_markdown(profile.bio_markdown)
    profile.visibility = changes.visibility
    replace_tags(user, HELP, help_names)
    replace_tags(user, LEARN, learn_names)
    db.session.commit()
    return user


def show_first_steps(actor: User, shown: bool) -> None:
    """Show or hide the first-steps checklist on the member's home page (their own choice, kept)."""
    if not is_signed_in(actor):
        raise Forbidden("Sign in to change your home page")
    if (actor.profile.first_steps_hidden_at is None) != shown:
        actor.profile.first_steps_hidden_at = None if shown else utcnow()
        db.session.commit()


def people_query(
    viewer, *, tag: Tag | None = None, kind: str | None = None, role: str = "", region: str = ""
) -> Select:
    """Members the viewer may see, narrowed by tag, role and region."""
    query = select(User).join(Profile).where(*listed_people_filter(viewer))
    if tag is not None:
        holds = select(UserTag.user_id).where(UserTag.user_id == User.id, UserTag.tag_id == tag.id)
        if kind:
            holds = holds.where(UserTag.kind == kind)
        query = query.where(exists(holds))
    if role:
        if role not in ROLES:
            raise Invalid("role", "Choose a role from the list")
        query = query.where(User.role == role)
    if region:
        if region not in REGIONS:
            raise Invalid("region", "Choose a region from the list")
        query = query.where(Profile.region == region)
    return query.order_by(User.display_name, User.id)


def people_page(viewer, page: int, **filters):
    """One page of the people directory."""
    return db.paginate(people_query(viewer, **filters), page=page, per_page=PEOPLE_PER_PAGE, error_out=False)


def tag_holders(viewer, tag: Tag) -> dict[str, list[User]]:
    """Who can help with a tag and who wants to learn it, as far as the viewer may see."""
    return {kind: list(db.session.scalars(people_query(viewer, tag=tag, kind=kind))) for kind in (HELP, LEARN)}
