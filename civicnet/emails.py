"""Outgoing email: each one stored, then sent by a background job with retries.

The row is the job's memory: a retry after a failure, or after a worker was killed halfway, sends it
only if it has not been sent (and a Message-ID made from the row lets a mail server spot a repeat).
Without a mail server (development) the log is the inbox."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from huey import crontab
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db, mail
from civicnet.jobs import job, periodic


class Email(db.Model):
    __tablename__ = "emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def send_email(to: str, subject: str, template: str, **context) -> Email:
    """Render templates/<template>.txt for one address, store it and queue its sending.

    Called after the change it reports has committed; it commits the email itself, so it survives
    whatever the caller does next."""
    email = Email(to_address=to, subject=f"civicnet: {subject}", body=render_template(f"{template}.txt", **context))
    db.session.add(email)
    db.session.commit()
    _queue(email.id)
    return email


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
    message = Message(
        subject=email.subject,
        recipients=[email.to_address],
        body=email.body,
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
