"""Outgoing email: each one stored, then sent by a background job with retries.

The row is the job's memory: a retry after a failure, or after a worker was killed halfway, sends it
only if it has not been sent (and a Message-ID made from the row lets a mail server spot a repeat).
Without a mail server (development) the log is the inbox.

Every email has a plain-text part and an accessible HTML part in civicnet's brand: a template's own
<template>.html, or the text set in templates/emails/layout.html. An email a member can turn off
carries a one-click unsubscribe link (RFC 8058)."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from huey import crontab
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy import Boolean, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db, mail
from civicnet.jobs import job, periodic
from civicnet.transactions import on_commit


class Email(db.Model):
    __tablename__ = "emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    # The member it was for (None: an address not yet anyone's), whether it counts towards their daily
    # cap (notifications do; security, data-rights and digest emails do not), and its unsubscribe link.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def send_email(to: str, subject: str, template: str, **context) -> Email:
    """Render templates/<template>.txt (and its HTML) for one address, store it and queue its sending.

    Called after the change it reports has committed; it commits the email itself, so it survives
    whatever the caller does next. These emails cannot be turned off and count towards no cap."""
    email = _store(to, subject, template, **context)
    db.session.commit()
    _queue(email.id)
    return email


def store_email(
    to: str,
    subject: str,
    template: str,
    *,
    member_id: int | None = None,
    counted: bool = False,
    unsubscribe_url: str | None = None,
    footer: str = "",
    **context,
) -> Email:
    """Store an email in the caller's transaction; it is queued once that commits (never if it rolls
    back), so an email and the record of what it carried are written together or not at all."""
    email = _store(
        to,
        subject,
        template,
        member_id=member_id,
        counted=counted,
        unsubscribe_url=unsubscribe_url,
        footer=footer,
        **context,
    )
    email_id = email.id
    on_commit(lambda: _queue(email_id))
    return email


def _store(to, subject, template, *, member_id=None, counted=False, unsubscribe_url=None, footer="", **context):
    # The footer says why the email came and how to stop it: the same words in both parts.
    context = {"unsubscribe_url": unsubscribe_url, "footer": footer, **context}
    body = render_template(f"{template}.txt", **context).rstrip() + (f"\n\n{footer}" if footer else "")
    email = Email(
        to_address=to,
        subject=f"civicnet: {subject}",
        body=body,
        html=_html(template, subject, body, context),
        user_id=member_id,
        counted=counted,
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(email)
    db.session.flush()
    return email


def counted_since(member_id: int, since: datetime) -> int:
    """How many capped emails went to a member since then (for the daily cap)."""
    query = select(func.count(Email.id)).where(Email.user_id == member_id, Email.counted, Email.created_at > since)
    return db.session.scalar(query) or 0


_LINK = re.compile(r"https?://[^\s<>\"]+")


def text_as_html(text: str) -> Markup:
    """Plain text as HTML paragraphs, its web addresses as links."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [
            _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escape(line)))
            for line in block.split("\n")
        ]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return Markup("\n".join(paragraphs))


def _html(template: str, subject: str, body: str, context: dict) -> str:
    try:
        content = Markup(render_template(f"{template}.html", **context))
    except TemplateNotFound:
        content = text_as_html(body)
    footer = text_as_html(context["footer"]) if context["footer"] else ""
    return render_template("emails/layout.html", subject=subject, content=content, **{**context, "footer": footer})


def _queue(email_id: int) -> None:
    # Tried EMAIL_ATTEMPTS times, waiting JOBS_RETRY_DELAY and then twice as long each time, before
    # it joins the failed jobs an operator sees.
    config = current_app.config
    deliver_email(
        email_id, retries=config["EMAIL_ATTEMPTS"] - 1, retry_delay=config["JOBS_RETRY_DELAY"], retry_backoff=2
    )


@job()
def deliver_email(email_id: int) -> None:
    """Send one stored email unless it was sent already (idempotent: safe to run twice)."""
    email = db.session.get(Email, email_id)
    if email is None or email.sent_at is not None:
        return
    email.attempts += 1
    try:
        _send(email)
    except Exception as error:
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        raise  # Huey retries it, and records it as failed after the last attempt
    email.sent_at, email.last_error = utcnow(), None
    db.session.commit()


def _send(email: Email) -> None:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "civicnet.invalid"
    headers = {}
    if email.unsubscribe_url:  # RFC 8058: a mail client may unsubscribe with one POST, no sign-in
        headers = {
            "List-Unsubscribe": f"<{email.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = Message(
        subject=email.subject,
        recipients=[email.to_address],
        body=email.body,
        html=email.html,
        extra_headers=headers,
    )
    message.msgId = f"<email-{email.id}@{host}>"  # the same on every attempt
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        current_app.logger.warning("Email to %s\nSubject: %s\n\n%s", email.to_address, email.subject, email.body)
    mail.send(message)


@periodic(crontab(minute="*/5"))
def queue_stranded_emails() -> None:
    """Queue again the emails whose job was lost, not those still being retried or given up on."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["EMAIL_STRANDED_SECONDS"])
    # Never attempted: an attempt commits its count whether it fails or succeeds.
    stranded = select(Email.id).where(Email.sent_at.is_(None), Email.created_at < cutoff, Email.attempts == 0)
    for email_id in db.session.scalars(stranded):
        _queue(email_id)
