"""Search fixtures: index what changed, as the background indexer would, when a test says so."""

import pytest

from civicnet.extensions import db
from civicnet.search import indexer


@pytest.fixture
def index_now(ctx):
    """Call to bring the test's search index up to date with the database (returns documents looked at).

    The indexer ends the database session as it does in a server; the test's objects are put back
    in the new session (expired, so they are read afresh) so the test can go on using them."""

    def run() -> int:
        kept = list(db.session.identity_map.values())
        db.session.expire_all()
        count = indexer.process_pending()
        for obj in kept:
            db.session.add(obj)
        return count

    return run
