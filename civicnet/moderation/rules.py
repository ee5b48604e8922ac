"""The lists moderation chooses from: why members report, which rule an action applies, what actions exist.

Rules are numbered and shown on /guidelines, so a statement of reasons can point at the rule it applies."""

# Why a member reports something (the report form's choices).
REPORT_REASONS = {
    "spam": "Spam or advertising",
    "harassment": "Harassment or abuse",
    "misinformation": "Misinformation",
    "off_topic": "Off-topic",
    "personal_data": "Personal data shared",
    "other": "Something else (tell us in the note)",
}
# Reports civicnet files itself; they are never offered on the form.
WORD_FILTER = "word_filter"
REASON_LABELS = {**REPORT_REASONS, WORD_FILTER: "Matched the word filter"}

# The community guidelines. Each action names one of these, or NO_BREACH for favourable decisions.
RULES = {
    "respect": "Be respectful: no harassment, abuse or personal attacks",
    "no_spam": "No spam, advertising or repeated posts",
    "accuracy": "Do not knowingly spread false or misleading information",
    "on_topic": "Keep to the room's topic",
    "privacy": "Do not share anyone's personal data without their consent",
    "law": "Nothing illegal, and nothing that puts anyone at risk",
}
NO_BREACH = "no_breach"
REASONS = {**RULES, NO_BREACH: "No rule was broken"}
# Renaming or merging a skill tag is usually tidying rather than a breach.
HOUSEKEEPING = "housekeeping"
TAG_REASONS = {HOUSEKEEPING: "Tidying: a duplicate, misspelt or unclear tag", **RULES}

DISMISS = "dismiss"
HIDE = "hide_message"
RESTORE = "restore_message"
EDIT_ROOM = "edit_room"
EDIT_TAG = "edit_tag"
WARN = "warn"
MUTE = "mute"
SUSPEND = "suspend"
LIFT_MUTE = "lift_mute"
LIFT_SUSPENSION = "lift_suspension"
AUTO_HIDE = "auto_hide"  # civicnet's own, when enough members report a message

ACTION_LABELS = {
    DISMISS: "Dismissed the reports",
    HIDE: "Hid a message",
    RESTORE: "Restored a message",
    EDIT_ROOM: "Edited a room",
    EDIT_TAG: "Edited a tag",
    WARN: "Warned a member",
    MUTE: "Muted a member",
    SUSPEND: "Suspended an account",
    LIFT_MUTE: "Lifted a mute",
    LIFT_SUSPENSION: "Lifted a suspension",
    AUTO_HIDE: "Hid a message pending review (reported by several members)",
}
# Decisions against a member, which they are told about and may appeal; said to them in these words.
APPEALABLE = {HIDE, EDIT_ROOM, WARN, MUTE, SUSPEND}
DECISION_TEXT = {
    HIDE: "Your message was hidden",
    EDIT_ROOM: "Your room was edited",
    WARN: "You were warned",
    MUTE: "You were muted",
    SUSPEND: "Your account was suspended",
}

# Periods offered for mutes and suspensions, in hours (None: until lifted).
PERIODS = {"24": "24 hours", "72": "3 days", "168": "7 days", "720": "30 days", "indefinite": "Until lifted"}

WORD_ACTIONS = {
    "block": "Block: the message is refused with an error",
    "hold": "Hold for review: only the author sees it until a moderator approves it",
    "flag": "Flag: the message is posted and reported automatically",
}

APPEAL_DAYS = 14
UPHELD = "upheld"
REVERSED = "reversed"
OUTCOMES = {UPHELD: "Upheld: the decision stands", REVERSED: "Reversed: the decision is undone"}

# What a moderator may do from an item's page: actions on the item itself (a kind of content added
# later gets "dismiss" until it has actions of its own), then actions on its author.
ITEM_ACTIONS = {
    "message": (HIDE, RESTORE, DISMISS),
    "room": (EDIT_ROOM, DISMISS),
}
MEMBER_ACTIONS = (WARN, MUTE, SUSPEND, LIFT_MUTE, LIFT_SUSPENSION)


def item_actions(item_type: str) -> tuple[str, ...]:
    return ITEM_ACTIONS.get(item_type, (DISMISS,))
