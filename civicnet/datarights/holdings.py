"""What civicnet holds about a member, why, and for how long: the list /account/data shows."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    name: str
    what: str
    why: str
    kept: str


HOLDINGS = [
    Holding(
        "Your account",
        "Your username, email address, password (scrambled so nobody can read it), role, and when you "
        "joined and signed in.",
        "To let you sign in, contact you about your account and keep it secure.",
        "While you have an account. Sign-in records: 90 days after the sign-in ends.",
    ),
    Holding(
        "Your profile and skill tags",
        "Display name, pronouns, organisation, job title, region, bio, your photo if you add one (without "
        "its location or camera details), what you can help with and want to learn about, and who can see it.",
        "So that other members can find you and you can find them.",
        "While you have an account.",
    ),
    Holding(
        "Your messages",
        "What you write in rooms, with its edits and deletions, and the rooms you are in.",
        "To hold the conversations you take part in.",
        "While you have an account. When you leave you choose whether they stay, as a former member's.",
    ),
    Holding(
        "Mentoring",
        "Your mentoring offer or requests, and the messages in your mentoring rooms.",
        "To match mentors with people who want to learn.",
        "While you have an account.",
    ),
    Holding(
        "Verification",
        "Your work email address, organisation and job title, and the decision on them.",
        "To show other members that you work in public service.",
        "While you are verified, and 1 year after it ends.",
    ),
    Holding(
        "Reports and moderation",
        "Reports you made, reports about you (never who made them), decisions about you and your appeals.",
        "To keep civicnet safe and let you challenge decisions.",
        "While civicnet runs, so that decisions can be checked and challenged. Who reported you is never shown to you.",
    ),
    Holding(
        "Looks at your data",
        "Every time someone acting as a moderator, administrator or operator looked at your data, and why.",
        "So that you can hold them to account.",
        "5 years.",
    ),
    Holding(
        "Notifications and settings",
        "Your notifications and how you want to be told about things.",
        "To tell you what happens, the way you chose.",
        "Notifications: 1 year. Settings: while you have an account.",
    ),
]
