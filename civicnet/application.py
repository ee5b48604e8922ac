"""civicnet's Flask application class."""

from flask import Flask, Request
from werkzeug.routing import MapAdapter

URL_ADAPTER = "civicnet.url_adapter"


class Civicnet(Flask):
    """Flask, with the URL adapter kept in the WSGI environ it was bound to.

    Flask-SocketIO pushes a request context for every Socket.IO event, on the environ of the
    connection's handshake, and binding the URL map to an environ is most of what that costs
    (measured: about a tenth of the server's CPU per message at the fan-out ceiling). The environ of
    an event never changes, and an HTTP request's is new for each request, so keeping the adapter in
    the environ shares it between a connection's events and nothing else."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        if request is None:
            return super().create_url_adapter(request)
        adapter = request.environ.get(URL_ADAPTER)
        if adapter is None:
            adapter = request.environ[URL_ADAPTER] = super().create_url_adapter(request)
        return adapter
