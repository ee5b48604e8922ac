"""Socket.IO handlers for mentoring: the same services as the pages, answered by acknowledgements."""

from civicnet.accounts.models import User
from civicnet.extensions import socketio
from civicnet.mentoring import offers, requests
from civicnet.mentoring.payloads import offer_payload, request_payload
from civicnet.realtime import authenticated_socket, event_fields, ok


@socketio.on("mentoring_offers")
@authenticated_socket
def on_offers(user: User, data=None):
    """Open offers, optionally for one skill tag."""
    fields = event_fields(data if data is not None else {}, tag=(str, None))
    return ok(offers=[offer_payload(offer) for offer in offers.open_offers(fields["tag"])])


@socketio.on("mentoring_requests")
@authenticated_socket
def on_requests(user: User, data=None):
    """The member's own requests, as mentor and as mentee."""
    mine = requests.requests_of(user)
    return ok(**{side: [request_payload(found) for found in found_list] for side, found_list in mine.items()})


@socketio.on("request_mentoring")
@authenticated_socket
def on_request(user: User, data=None):
    fields = event_fields(data, offer_id=int, message=str)
    return ok(request=request_payload(requests.ask(user, fields["offer_id"], fields["message"])))


@socketio.on("answer_request")
@authenticated_socket
def on_answer(user: User, data=None):
    """The mentor accepts or declines: {id, accept: true|false, reason?}."""
    fields = event_fields(data, id=int, accept=bool, reason=(str, None))
    if fields["accept"]:
        found = requests.accept(user, fields["id"])
    else:
        found = requests.decline(user, fields["id"], fields["reason"] or "")
    return ok(request=request_payload(found))


@socketio.on("end_mentoring")
@authenticated_socket
def on_end(user: User, data=None):
    """Either side: {id, completed: true} to complete, {id, completed: false} to cancel."""
    fields = event_fields(data, id=int, completed=bool)
    return ok(request=request_payload(requests.end(user, fields["id"], completed=fields["completed"])))
