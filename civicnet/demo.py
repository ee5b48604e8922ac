"""Demo members for a first look at civicnet (make run loads them once)."""

from datetime import timedelta

from sqlalchemy import func, select

from civicnet.accounts.models import User
from civicnet.accounts.passwords import hash_password
from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.demo_register import load_demo_entries
from civicnet.direct.conversations import start_conversation
from civicnet.extensions import db
from civicnet.mentoring.offers import OfferDetails, offer_of, save_offer
from civicnet.moderation.filters import add_word, word_filters
from civicnet.profiles.models import Profile
from civicnet.profiles.services import ProfileChanges, update_profile
from civicnet.rooms.messages import post_message
from civicnet.rooms.models import Room
from civicnet.rooms.reactions import react
from civicnet.rooms.services import RoomDetails, create_room, join_room
from civicnet.tags.models import HELP
from civicnet.tags.services import user_tags
from civicnet.verification.models import APPROVED, Verification

DEMO_PASSWORD = "civicnet demo password"

DEMO_MEMBERS = [
    dict(
        username="amira",
        display_name="Amira Haddad",
        role="citizen",
        region="London",
        pronouns="she/her",
        help="Community organising, Accessibility",
        learn="Data protection, AI ethics, Freedom of information",
        bio="Tenant organiser in Hackney. I want to understand how the council uses **data** about residents.",
    ),
    dict(
        username="dafydd",
        display_name="Dafydd Evans",
        role="citizen",
        region="Wales",
        help="Welsh language, Open data",
        learn="Cyber security, Digital inclusion",
        bio="Retired teacher, volunteer at a digital skills cafe in Aberystwyth.",
    ),
    dict(
        username="grace",
        display_name="Grace Okafor",
        role="citizen",
        region="North West",
        pronouns="she/her",
        help="Digital inclusion",
        learn="AI ethics, Facial recognition, Algorithmic accountability",
        bio="Parent and school governor, worried about facial recognition at the school gate.",
    ),
    dict(
        username="priya",
        display_name="Priya Shah",
        role="public_servant",
        region="London",
        organisation="Information Commissioner's Office",
        job_title="Senior policy officer",
        help="Data protection, Freedom of information, DPIAs",
        learn="Community organising",
        bio="I work on data protection guidance. Happy to explain **DPIAs** and subject access requests.",
    ),
    dict(
        username="tom",
        display_name="Tom Fletcher",
        role="public_servant",
        region="Yorkshire and the Humber",
        organisation="Leeds City Council",
        job_title="Digital service designer",
        help="Accessibility, Open data, User research",
        learn="AI ethics",
        bio="Designing council services people can actually use.",
    ),
    dict(
        username="morag",
        display_name="Morag Campbell",
        role="public_servant",
        region="Scotland",
        organisation="Scottish Government",
        job_title="Cyber resilience lead",
        help="Cyber security, Digital inclusion",
        learn="Algorithmic accountability",
        bio="Cyber resilience for the third sector and public bodies.",
    ),
    dict(
        username="sam",
        display_name="Sam Okoye",
        role="moderator",
        region="West Midlands",
        pronouns="they/them",
        help="Community guidelines",
        learn="Facial recognition",
        bio="Volunteer moderator. Be kind, assume good faith.",
    ),
    dict(
        username="admin",
        display_name="civicnet admin",
        role="admin",
        region="",
        help="",
        learn="",
        bio="Runs this civicnet.",
    ),
]


def load_demo_data() -> int:
    """Create the demo members that do not exist yet; return how many were created."""
    created = 0
    for member in DEMO_MEMBERS:
        if find_user_by_username(member["username"]):
            continue
        # 'admin' is a reserved username for members, but the demo operator account may use it.
        user = User(
            username=member["username"],
            email=f"{member['username']}@example.org",
            display_name=member["display_name"],
            password_hash=hash_password(DEMO_PASSWORD),
            role=member["role"],
            email_verified_at=utcnow(),
        )
        user.profile = Profile()
        db.session.add(user)
        db.session.commit()
        changes = ProfileChanges(
            display_name=member["display_name"],
            pronouns=member.get("pronouns", ""),
            organisation=member.get("organisation", ""),
            job_title=member.get("job_title", ""),
            region=member["region"],
            bio=member["bio"],
            help_tags=member["help"],
            learn_tags=member["learn"],
        )
        update_profile(user, user, changes)
        created += 1
    _demo_word_filter()
    _demo_mentoring()
    _demo_rooms()
    load_demo_entries()
    return created


DEMO_ROOMS = [
    dict(
        name="Facial recognition in public places",
        description="Live facial recognition by police, shops and schools: what the law allows and what to ask.",
        tags="Facial recognition, AI ethics",
        open_to_public=True,
        by="grace",
        messages=[
            ("grace", "Our school is trialling facial recognition at the gate. Who decides whether that is lawful?"),
            (
                "priya",
                "A school must complete a data protection impact assessment (DPIA) before it starts. Ask for a copy.",
                0,  # a reply to the first message: the start of a thread
            ),
            ("sam", "Reminder: please don't post photos of children, even blurred."),
            ("grace", "Thanks @priya. Is a DPIA something parents can see, or only the governors?", 1),
            ("priya", "Schools often publish them; if not, a freedom of information request usually works.", 3),
        ],
        # (message, member, reaction)
        reactions=[(1, "grace", "thumbs_up"), (1, "amira", "thumbs_up"), (1, "tom", "heart"), (2, "grace", "eyes")],
    ),
    dict(
        name="Data protection impact assessments",
        description="Writing, reading and challenging DPIAs, with people who write them for a living.",
        tags="Data protection, DPIAs",
        open_to_public=False,
        by="priya",
        messages=[
            ("priya", "Start with the purpose: a DPIA that can't say why the data is needed is already failing."),
            ("amira", "How do I read the council's DPIA for the new housing repairs app?"),
            ("tom", "We publish ours for every new service in Leeds. Look for the section on retention."),
            ("amira", "Found it: they keep repair photos for seven years. That seems long."),
        ],
    ),
    dict(
        name="Open data in councils",
        description="Which datasets councils publish, and how residents can use them.",
        tags="Open data",
        open_to_public=True,
        by="tom",
        messages=[
            ("tom", "Leeds publishes bin collection routes as open data; someone built a reminder bot on it."),
            ("dafydd", "Is there anything similar for Welsh councils? Open data in Welsh would be wonderful."),
        ],
    ),
]


def _demo_rooms() -> None:
    """A few rooms with conversations, so rooms and search have something to show."""
    if db.session.scalar(select(func.count(Room.id))):
        return
    for spec in DEMO_ROOMS:
        details = RoomDetails(spec["name"], spec["description"], "public", spec["open_to_public"], spec["tags"])
        room = create_room(find_user_by_username(spec["by"]), details)
        posted = []
        for username, body, *replying in spec["messages"]:
            author = find_user_by_username(username)
            if author.id != room.created_by_id:
                join_room(author, room)
            parent = posted[replying[0]].id if replying else None
            posted.append(post_message(room, author, body, reply_to_id=parent))
        for index, username, emoji in spec.get("reactions", []):
            react(find_user_by_username(username), posted[index].id, emoji, True)
    for usernames, conversation in DEMO_CONVERSATIONS:
        room = start_conversation(find_user_by_username(usernames[0]), ", ".join(usernames[1:]))
        for username, body in conversation:
            post_message(room, find_user_by_username(username), body)


# A direct conversation between two members who share a room.
DEMO_CONVERSATIONS = [
    (
        ["amira", "priya"],
        [
            ("amira", "Thank you for the DPIA tips. Could I ask you about the housing repairs app privately?"),
            ("priya", "Of course. Send me what the council published and I'll tell you what I'd ask them."),
        ],
    ),
]


def _demo_mentoring() -> None:
    """The demo public servants are verified (as if a moderator had attested them) and offer mentoring."""
    moderator = find_user_by_username("sam")
    for member in DEMO_MEMBERS:
        user = find_user_by_username(member["username"])
        if member["role"] != "public_servant" or user is None or user.verified_until is not None:
            continue
        expires = utcnow() + timedelta(days=365)
        db.session.add(
            Verification(
                user_id=user.id,
                email=f"{user.username}@demo.gov.uk",
                organisation=member["organisation"],
                job_title=member.get("job_title", ""),
                status=APPROVED,
                email_confirmed_at=utcnow(),
                decided_by_id=moderator.id if moderator else None,
                decided_at=utcnow(),
                decision_reason="Demo data",
                expires_at=expires,
            )
        )
        user.verified_until, user.verified_organisation = expires, member["organisation"]
        db.session.commit()
        if offer_of(user) is None:
            tags = [tag.slug for tag in user_tags(user, HELP)][:2]
            save_offer(user, OfferDetails(tags=tags, description=f"I can help with {member['help']}.", capacity=2))


def _demo_word_filter() -> None:
    """One phrase on the word filter, so moderators see how holding for review works."""
    moderator = find_user_by_username("sam")
    if moderator is not None and not word_filters():
        add_word(moderator, "guaranteed returns", "hold")
