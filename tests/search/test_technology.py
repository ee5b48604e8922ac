"""The technology register in search: entries are a kind of result with verdict, kind and tag facets;
drafts are found only by signed-in members, who review them."""

import pytest

from civicnet.errors import Invalid
from civicnet.register import entries, reviews
from civicnet.search.services import search
from tests.factories import make_user, make_verified

ANONYMOUS = None


def entry(author, name: str, verdict: str, kind: str = "product", tags: str = "Facial recognition"):
    return entries.create_draft(
        author,
        entries.EntryDetails(
            name=name, kind=kind, summary=f"{name}: cameras that recognise faces", verdict=verdict, tags=tags
        ),
        [],
    )


def test_published_entries_are_found_with_their_facets_and_drafts_only_by_members(app, ctx, index_now):
    app.config["REGISTER_COMMENT_DAYS"] = 0
    ada, bob, pat = make_user(username="ada"), make_user(username="bob"), make_verified(username="pat")
    avoid = entry(ada, "FaceMatch", "avoid")
    real = entry(ada, "OpenCount", "real", kind="service")
    draft = entry(ada, "FaceDraft", "unknown")
    for published in (avoid, real):
        reviews.sign_off(bob, published)
        reviews.sign_off(pat, published)
    index_now()

    assert search(ANONYMOUS, "cameras").counts["technology"] == 2  # not the draft
    found = search(bob, "cameras", type="technology")
    assert {hit.item.name for hit in found.hits["technology"]} == {"FaceMatch", "OpenCount", "FaceDraft"}
    facets = {facet.name: {option.value: option.count for option in facet.options} for facet in found.facets}
    assert facets["verdict"] == {"avoid": 1, "real": 1, "unknown": 1}
    assert facets["kind"] == {"product": 2, "service": 1}
    assert facets["tag"] == {"facial-recognition": 3}

    narrowed = search(bob, "cameras", type="technology", filters={"verdict": "avoid"})
    assert [hit.item.name for hit in narrowed.hits["technology"]] == ["FaceMatch"]
    assert search(ANONYMOUS, "tag:facial-recognition", type="technology").total == 2

    # An edit reaches the index; a verdict no one chose is refused with a message.
    entries.update_entry(
        ada,
        draft,
        entries.EntryDetails(name="FaceDraft", kind="product", summary="renamed thermometer", verdict="mixed"),
        draft.revision,
    )
    index_now()
    assert search(bob, "thermometer", type="technology").total == 1
    with pytest.raises(Invalid, match="Choose a verdict"):
        search(bob, "cameras", type="technology", filters={"verdict": "great"})
