"""The session cookie: Flask's signed cookie, with its signing serializer built once per app."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask builds a new itsdangerous serializer for every request and every Socket.IO event (each
    pushes a request context, which opens the session): measured at 16 us of the 100 us that opening
    a session takes. This keeps one per app, rebuilt only when the secret keys change."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._serializer
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]
