"""civicnet's Flask application class."""

from collections.abc import Callable

from flask import Flask, Request, current_app
from werkzeug.routing import MapAdapter

URL_ADAPTER = "civicnet.url_adapter"


def takes_uploads(limit: Callable[[], int]):
    """Decorator for a view that takes files: its requests may be up to limit() bytes (read when a
    request arrives, so it can follow a setting) instead of MAX_CONTENT_LENGTH.

    The limit must be known before anything reads the body, and CSRF protection and civicnet's input
    check read the form before any view runs, so the request looks its view's limit up itself."""

    def decorator(view):
        view.upload_limit = limit  # functools.wraps copies it onto login_required's wrapper
        return view

    return decorator


class CivicnetRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None and current_app:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            limit = getattr(view, "upload_limit", None)
            if limit is not None:
                return limit()
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


class Civicnet(Flask):
    """Flask, with the URL adapter kept in the WSGI environ it was bound to.

    Flask-SocketIO pushes a request context for every Socket.IO event, on the environ of the
    connection's handshake, and binding the URL map to an environ is most of what that costs
    (measured: about a tenth of the server's CPU per message at the fan-out ceiling). The environ of
    an event never changes, and an HTTP request's is new for each request, so keeping the adapter in
    the environ shares it between a connection's events and nothing else."""

    request_class = CivicnetRequest

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        if request is None:
            return super().create_url_adapter(request)
        adapter = request.environ.get(URL_ADAPTER)
        if adapter is None:
            adapter = request.environ[URL_ADAPTER] = super().create_url_adapter(request)
        return adapter
