"""Search fixtures: index what changed, as the background indexer would, when a test says so."""

import pytest

from civicnet.search import indexer


@pytest.fixture
def index_now(ctx):
    """Call to bring the test's search index up to date with the database (returns documents looked at)."""

    def run() -> int:
        return indexer.process_pending()

    return run
