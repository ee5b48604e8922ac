"""Reactions through the API, as Slack's reactions.add and reactions.remove: PUT adds the member's
reaction and DELETE takes it away, each safe to send twice. A room's messages come with their
reactions (GET /rooms/<slug>/messages)."""

from flask import g, jsonify, request

from civicnet.api.limits import write_limits
from civicnet.api.routes import bp, token_required
from civicnet.rooms import reactions


# One rule for both methods: with a rule each, Werkzeug answered a DELETE for an id too large to be one
# with 405 (the PUT rule's path matched before its number was checked) instead of 404.
@bp.route("/messages/<int:message_id>/reactions/<emoji>", methods=["PUT", "DELETE"])
@token_required
@write_limits
def reaction(message_id: int, emoji: str):
    return jsonify(reactions.react(g.api_user, message_id, emoji, on=request.method == "PUT"))
