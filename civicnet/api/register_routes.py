"""The technology register through the API: every published entry, as /technology.json serves it.

Open data: no token needed (the document says so with an empty security requirement)."""

from flask import jsonify

from civicnet.api.routes import bp
from civicnet.register import opendata


@bp.get("/technology")
def technology():
    return jsonify(opendata.document())
