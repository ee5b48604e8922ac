"""Bringing a member's profile from another civicnet: read an export's data.json, show what it would
change, and apply the parts the member chooses (their profile, skill tags and mentoring offer).

Only what describes the member moves: messages, rooms and other people stay where they were written,
and verification must be done again here (an organisation vouches for a person on each site)."""

import json
import zipfile
from dataclasses import dataclass, field

from civicnet.errors import Invalid
from civicnet.mentoring.offers import OfferDetails, can_offer, save_offer
from civicnet.profiles.personal_data import profile_row
from civicnet.profiles.privacy import PrivacySettings, update_privacy
from civicnet.profiles.services import ProfileChanges, update_profile
from civicnet.tags.models import HELP, LEARN
from civicnet.tags.names import tag_slug
from civicnet.tags.services import user_tags

MAX_ARCHIVE = 50 * 1024 * 1024  # bytes: an export with years of messages fits easily
MAX_DATA = 20 * 1024 * 1024  # bytes of data.json once unpacked
PARTS = {
    "profile": "Your profile",
    "tags": "Your skill tags",
    "settings": "Your privacy settings",
    "offer": "Your mentoring offer",
}
PROFILE_KEYS = ("display_name", "pronouns", "organisation", "job_title", "region", "bio", "visibility")


@dataclass
class Preview:
    profile: dict = field(default_factory=dict)
    help_tags: list[str] = field(default_factory=list)
    learn_tags: list[str] = field(default_factory=list)
    offer: dict | None = None
    settings: dict | None = None  # listed, suggest_as_mentor, mentions_from (older exports have none)

    def as_dict(self) -> dict:
        return {
            "profile": self.profile,
            "help": self.help_tags,
            "learn": self.learn_tags,
            "offer": self.offer,
            "settings": self.settings,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Preview":
        return cls(data["profile"], data["help"], data["learn"], data["offer"], data.get("settings"))


def read_archive(stream) -> Preview:
    """The parts of an export that can be imported; Invalid for anything that is not one."""
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("data.json")
            if info.file_size > MAX_DATA:
                raise Invalid("archive", "This export is too large to import")
            sections = json.loads(archive.read(info))["sections"]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise Invalid("archive", "Choose the zip file civicnet gave you when you exported your data") from None
    return _preview(sections)


def _preview(sections) -> Preview:
    try:
        (row,) = sections["profile"]["profile"]
        profile = {key: _text(row.get(key)) for key in PROFILE_KEYS}
        tags = sections["profile"]["skill_tags"]
        help_tags = [_text(t["tag"]) for t in tags if t["kind"] == "I can help with"]
        learn_tags = [_text(t["tag"]) for t in tags if t["kind"] == "I want to learn about"]
        offers = sections.get("mentoring", {}).get("mentoring_offer", [])
        offer = (
            {k: _text(v) for k, v in offers[0].items() if k in ("description", "tags", "availability")}
            if offers
            else None
        )
        if offer is not None:
            offer["capacity"] = int(offers[0].get("capacity") or 1)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise Invalid("archive", "This export is damaged: its profile could not be read") from None
    if not profile["display_name"]:
        raise Invalid("archive", "This export has no display name")
    settings = None
    if isinstance(row.get("listed"), bool) and isinstance(row.get("suggest_as_mentor"), bool):
        settings = {"listed": row["listed"], "suggest_as_mentor": row["suggest_as_mentor"]}
        settings["mentions_from"] = _text(row.get("mentions_from")) or "everyone"
    return Preview(profile, help_tags, learn_tags, offer, settings)


def _text(value) -> str:
    if value is not None and not isinstance(value, str | int):
        raise TypeError("not text")
    return "" if value is None else str(value)


def apply(actor, preview: Preview, parts: set[str]) -> list[str]:
    """Import the chosen parts for the signed-in member; what was imported, in words."""
    done = []
    if parts & {"profile", "tags"}:
        current = preview.profile if "profile" in parts else profile_row(actor)
        current = {key: current[key] for key in PROFILE_KEYS}
        if actor.is_verified_public_servant:  # the name and organisation a moderator attested stay
            current.update(display_name=actor.display_name, organisation=profile_row(actor)["organisation"] or "")
        changes = ProfileChanges(
            **{k: v or "" for k, v in current.items() if k != "visibility"},
            visibility=current.get("visibility") or "public",
            help_tags=", ".join(preview.help_tags) if "tags" in parts else _tag_list(actor, HELP),
            learn_tags=", ".join(preview.learn_tags) if "tags" in parts else _tag_list(actor, LEARN),
        )
        update_profile(actor, actor, changes)
        done += [PARTS[p] for p in ("profile", "tags") if p in parts]
    if "settings" in parts and preview.settings:
        chosen = PrivacySettings(actor.profile.visibility, **preview.settings)
        update_privacy(actor, actor, chosen)
        done.append(PARTS["settings"])
    if "offer" in parts and preview.offer:
        if not can_offer(actor):
            raise Invalid(
                "parts", "Your mentoring offer can be imported once you are verified as a public servant here"
            )
        slugs = [tag_slug(name) for name in preview.offer["tags"].split(", ") if name]
        save_offer(
            actor,
            OfferDetails(
                slugs, preview.offer["description"], "", preview.offer["availability"], preview.offer["capacity"]
            ),
        )
        done.append(PARTS["offer"])
    return done


def _tag_list(user, kind: str) -> str:
    return ", ".join(tag.name for tag in user_tags(user, kind))
