"""The stand-in message the room page renders into its <template>: every field set, so that
templates/rooms/_message.html draws every optional part, and recognisable values in its links,
which static/js/room-messages.mjs swaps for a live message's own."""

from datetime import UTC, datetime
from types import SimpleNamespace

# Kept in step with room-messages.mjs. The name is upper case: usernames and room slugs never are.
PROTOTYPE_ID = 987654321
PROTOTYPE_THREAD_ID = 987654322  # where a reply's thread number goes
PROTOTYPE_USERNAME = "AUTHOR"


def message_prototype() -> SimpleNamespace:
    author = SimpleNamespace(
        username=PROTOTYPE_USERNAME,
        display_name="",
        role="citizen",
        role_label="",
        is_verified_public_servant=True,  # so that role_badge draws the verified badge too
        verified_organisation="",
    )
    quoted = SimpleNamespace(author=SimpleNamespace(username=""), body_html="", is_deleted=False, moderation=None)
    # One of each kind, so that the template draws both; the script sets their addresses and sizes.
    attachments = [
        SimpleNamespace(
            id=PROTOTYPE_ID, name="", is_image=True, thumbnail_width=1, thumbnail_height=1, content_type="", size=0
        ),
        SimpleNamespace(id=PROTOTYPE_ID, name="", is_image=False, content_type="", size=0),
    ]
    return SimpleNamespace(
        id=PROTOTYPE_ID,
        author=author,
        author_id=None,
        created_at=datetime(2000, 1, 1, tzinfo=UTC),
        edited_at=None,
        speaking_for="",
        reply_to=quoted,
        reply_to_id=None,
        thread_root_id=PROTOTYPE_THREAD_ID,
        body_html="",
        attachments=attachments,
        moderation=None,
        is_hidden=False,
        is_removed=False,
        is_held=False,
    )
