"""The API agrees with its OpenAPI document: schemathesis fuzzes a running civicnet (a live server
on a real port) with requests drawn from the document it serves at /api/v1/openapi.json.

Every check is on: a server error, an answer whose status, headers or body the document does not
describe, a request the document allows that is refused as malformed, one it forbids that is
accepted, a 405 without Allow, or an answer without a token that is not a 401 fails the test. The
run is seeded, derandomized and on one worker, with few examples per operation, so it repeats
exactly and fits in CI. It runs schemathesis' own command line, which prints each failure with a
curl command that reproduces it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from civicnet.accounts import access_tokens as tokens
from civicnet.mentoring import offers, requests
from civicnet.mentoring.offers import OfferDetails
from civicnet.rooms.messages import post_message
from tests.factories import make_room, make_user, make_verified

SCHEMATHESIS = Path(sys.executable).with_name("st")
EXAMPLES_PER_OPERATION = 15

CONFIG = """
seed = 11
[generation]
mode = "all"
max-examples = {examples}
deterministic = true
database = "none"

# A search can be well formed and still not one civicnet can answer (an unknown tag, say):
# the document lists 422 for that, so a request it allows may get one.
[[operations]]
include-path = "/search"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


def _site(app) -> str:
    """Members, a room with a reply, two mentoring offers and a request; the asking member's token."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", help_tags="Open data")
        bob = make_verified(username="bob", help_tags="Open data")
        carol = make_verified(username="carol", help_tags="Open data")
        room = make_room(bob, "Open data", tags="Open data", members=[ada])
        first = post_message(room, bob, "First!")
        post_message(room, ada, "A reply", reply_to_id=first.id)
        offers.save_offer(bob, OfferDetails(tags=["open-data"], description="Open data help", capacity=3))
        offers.save_offer(carol, OfferDetails(tags=["open-data"], description="More help", capacity=1))
        requests.ask(ada, offers.offer_of(bob).id, "Help me publish our budget")
        return tokens.create_token(ada, "schemathesis")[1]


@pytest.mark.live_indexer  # the API's search answers from a built index, as deployed
def test_the_api_answers_as_its_openapi_document_says(live_server, tmp_path):
    token = _site(live_server.app)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(examples=EXAMPLES_PER_OPERATION))
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--url",
            f"{live_server.url}/api/v1",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
    # It really ran: every operation, hundreds of cases.
    generated = re.search(r"(\d+) generated, \1 passed", run.stdout)
    assert "Tested: 18" in run.stdout and generated and int(generated[1]) > 300, run.stdout[-5000:]
