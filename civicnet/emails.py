"""Outgoing email: sent through Flask-Mail, or written to the log when no mail server is set."""

from flask import current_app, render_template
from flask_mail import Message

from civicnet.extensions import mail


def send_email(to: str, subject: str, template: str, **context) -> Message:
    """Render templates/<template>.txt and send it to one address."""
    body = render_template(f"{template}.txt", **context)
    message = Message(subject=f"civicnet: {subject}", recipients=[to], body=body)
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        # Development without a mail server: the log is the inbox.
        current_app.logger.warning("Email to %s\nSubject: %s\n\n%s", to, message.subject, body)
    mail.send(message)
    return message
