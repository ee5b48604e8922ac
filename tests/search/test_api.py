"""GET /api/v1/search: the /search page's results as JSON for token clients."""

import html
import re
import shutil
from pathlib import Path

import pytest

from civicnet.accounts import access_tokens as tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.rooms.messages import post_message
from civicnet.search import indexer, services
from civicnet.search.payloads import hit_url
from tests.factories import DEFAULT_PASSWORD, make_room, make_user, make_verified

RESULT_KEYS = {"type", "url", "title_html", "snippet_html"}


def bearer(username: str) -> dict:
    _, plain = tokens.create_token(find_user_by_username(username), "search tests")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def site(ctx, index_now):
    """Budget talk in two public rooms and a private room that Eve is not in; tokens for Ada and Eve."""
    ada = make_user(
        username="ada", display_name="Ada Lovelace", region="London", help_tags="Open data", bio="I read budgets"
    )
    bob = make_verified(username="bob", display_name="Bob Stone", region="North West", help_tags="Open data")
    make_user(username="eve", display_name="Eve Outsider", help_tags="Procurement")
    open_data = make_room(ada, "Open data", description="Publishing council datasets", tags="Open data")
    procurement = make_room(bob, "Procurement reform", tags="Procurement")
    cabinet = make_room(bob, "Budget cabinet", kind="private", members=[ada])
    post_message(open_data, ada, "The council budget spreadsheet is published")
    post_message(open_data, bob, "Budget lines for libraries")
    post_message(procurement, bob, "Procurement budget guidance")
    secret = post_message(cabinet, bob, "Confidential budget draft for the cabinet")
    found = {"secret_id": secret.id, "ada": bearer("ada"), "eve": bearer("eve")}
    index_now()
    return found


def search(client, headers: dict, status: int = 200, **params) -> dict:
    response = client.get("/api/v1/search", headers=headers, query_string=params)
    assert response.status_code == status, (params, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.json


def test_search_answers_with_counts_results_and_facets(client, site):
    body = search(client, site["ada"], q="budget")
    assert set(body) == {"query", "type", "sort", "counts", "total", "page", "pages", "results", "facets"}
    assert body["query"] == "budget" and body["type"] == "all" and body["sort"] == "best"
    assert body["counts"] == {"people": 1, "rooms": 1, "messages": 4, "technology": 0} and body["total"] == 6
    assert [r["type"] for r in body["results"]] == ["person", "room", *["message"] * 4]
    for result in body["results"]:
        assert set(result) >= RESULT_KEYS
        assert result["url"].startswith("/")
    person, room, *messages = body["results"]
    assert person["url"] == "/people/ada" and person["person"]["username"] == "ada"
    assert person["snippet_html"] == 'I read <mark class="civicnet-highlight">budgets</mark>'
    assert person["help_tags_html"] == "Open data"
    assert room["url"] == "/rooms/budget-cabinet" and room["room"]["slug"] == "budget-cabinet"
    assert room["title_html"] == '<mark class="civicnet-highlight">Budget</mark> cabinet'
    secret = next(m for m in messages if m["message"]["id"] == site["secret_id"])
    assert secret["message"]["room"] == "budget-cabinet" and secret["message"]["author"]["username"] == "bob"
    assert secret["url"] == f"/rooms/budget-cabinet?before={site['secret_id'] + 1}#message-{site['secret_id']}"
    assert secret["title_html"] == "Budget cabinet"
    assert body["facets"] == []  # facets belong to one type's tab


def test_a_type_has_facets_with_counts(client, site):
    body = search(client, site["ada"], q="budget", type="messages")
    assert body["type"] == "messages" and body["total"] == 4 and body["counts"]["people"] == 1
    assert {r["type"] for r in body["results"]} == {"message"}
    facets = {facet["name"]: facet for facet in body["facets"]}
    assert set(facets) == {"room", "after"}
    assert facets["room"]["label"] == "Room"
    assert {(o["value"], o["label"], o["count"]) for o in facets["room"]["options"]} == {
        ("open-data", "Open data", 2),
        ("procurement-reform", "Procurement reform", 1),
        ("budget-cabinet", "Budget cabinet", 1),
    }
    narrowed = search(client, site["ada"], q="budget", type="messages", room="open-data")
    assert narrowed["total"] == 2 and {r["message"]["room"] for r in narrowed["results"]} == {"open-data"}

    people = search(client, site["ada"], q="open data", type="people")
    options = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in people["facets"]}
    assert options == {
        "role": {"citizen": 1, "public-servant": 1},
        "region": {"London": 1, "North West": 1},
        "tag": {"open-data": 2},
    }
    assert search(client, site["ada"], q="open data", type="people", role="public-servant")["total"] == 1


@pytest.mark.parametrize("kind", ["all", "people", "rooms", "messages"])
def test_json_gives_the_same_results_as_the_search_page(app, client, auth, site, kind):
    body = search(client, site["ada"], q="budget", type=kind)
    with app.test_request_context():
        found = services.search(find_user_by_username("ada"), "budget", type=kind)
        urls = [hit_url(hit) for key in ("person", "room", "message") for hit in found.hits.get(key, [])]
    assert [r["url"] for r in body["results"]] == urls
    assert body["counts"] == found.counts and body["total"] == found.total

    auth.sign_in("ada")
    page = client.get(f"/search?q=budget&type={kind}").get_data(as_text=True)
    # Each result's first link (a person's photo or initials may come before it).
    on_page = re.findall(
        r'<li class="civicnet-summary-card civicnet-search-hit">.*?<a class="govuk-link" href="([^"]+)">', page, re.S
    )
    assert [html.unescape(url) for url in on_page] == urls


def test_pages_of_results(client, ctx, index_now):
    ada = make_user(username="ada")
    room = make_room(ada, "Minutes")
    ids = [post_message(room, ada, f"Meeting minutes number {n}").id for n in range(25)]
    headers = bearer("ada")
    index_now()
    first = search(client, headers, q="minutes", type="messages", sort="newest")
    second = search(client, headers, q="minutes", type="messages", sort="newest", page=2)
    assert (first["page"], first["pages"], len(first["results"])) == (1, 2, 20)
    assert (second["page"], second["pages"], len(second["results"])) == (2, 2, 5)
    assert [r["message"]["id"] for r in first["results"] + second["results"]] == ids[::-1]
    # The All type shows a preview of each type, not pages.
    assert len([r for r in search(client, headers, q="minutes")["results"] if r["type"] == "message"]) == 10


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer cvn_not-a-token"}, {"Authorization": "Basic YWRhOng="}]
)
def test_search_needs_a_valid_token(client, site, headers):
    response = client.get("/api/v1/search?q=budget", headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_a_token(client, auth, site):
    auth.sign_in("ada")
    assert client.get("/api/v1/search?q=budget").status_code == 401


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 501}, "Search for 500 characters or fewer"),
        ({"q": "budget", "type": "spreadsheets"}, "Choose people, rooms, messages or technology"),
        ({"q": "budget", "type": ""}, "Choose people, rooms, messages or technology"),
        ({"q": "budget", "sort": "random"}, "Sort by best match or newest"),
        ({"q": "budget", "page": "0"}, "page must be a whole number from 1"),
        ({"q": "budget", "page": "two"}, "page must be a whole number from 1"),
        ({"q": "budget", "tag": "open\x00data"}, "characters civicnet cannot read"),
    ],
)
def test_searches_the_openapi_document_forbids_get_a_400_json_error(client, site, params, message):
    body = search(client, site["ada"], status=400, **params)
    assert message in body["error"]["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"open data'}, "Close the quotation mark"),
        ({"q": "*"}, "civicnet does not use wildcards"),
        ({"q": "colour:red"}, "civicnet does not know the filter “colour:”"),
        ({"q": "before:soon"}, "Write the date after before: as year-month-day"),
        ({"q": "-budget"}, "Enter words to search for, as well as words to leave out"),
        ({"q": ""}, "Send q, or a filter"),
        ({}, "Send q, or a filter"),
        ({"q": "budget", "type": "people", "region": "Atlantis"}, "Choose a region from the list"),
    ],
)
def test_well_formed_searches_civicnet_cannot_answer_get_a_422_json_error(client, site, params, message):
    body = search(client, site["ada"], status=422, **params)
    assert body["error"]["code"] == "invalid_query"
    assert message in body["error"]["message"]


def test_an_unreadable_index_answers_503_json_until_rebuilt(app, client, site, index_now):
    shutil.rmtree(Path(app.config["SEARCH_INDEX_DIR"]))
    body = search(client, site["ada"], status=503, q="budget")
    assert body == {
        "error": {"code": "search_unavailable", "message": "Search is being rebuilt. Try again in a minute"}
    }
    assert client.get("/api/v1/rooms", headers=site["ada"]).status_code == 200
    index_now()
    assert search(client, site["ada"], q="budget")["counts"] == {
        "people": 1,
        "rooms": 1,
        "messages": 4,
        "technology": 0,
    }


def test_a_token_finds_only_what_its_member_may_open(client, site):
    eve = search(client, site["eve"], q="budget")
    assert eve["counts"] == {"people": 1, "rooms": 0, "messages": 3, "technology": 0} and eve["total"] == 4
    assert site["secret_id"] not in [r["message"]["id"] for r in eve["results"] if r["type"] == "message"]
    assert "Confidential" not in str(eve)
    messages = search(client, site["eve"], q="budget", type="messages")
    assert "budget-cabinet" not in str(messages["facets"]) and messages["total"] == 3
    assert search(client, site["eve"], q="confidential")["total"] == 0
    refused = search(client, site["eve"], status=422, q="in:budget-cabinet")
    assert "There is no room “budget-cabinet” that you can read" in refused["error"]["message"]
    # Ada is in the room: the same search finds it for her.
    assert search(client, site["ada"], q="confidential")["counts"]["messages"] == 1


def test_titles_and_snippets_are_escaped_html(client, ctx, index_now):
    hostile = '<script>alert("x")</script>'
    eve = make_user(username="eve", display_name=f"Evil {hostile}", bio=f"Evil bio {hostile}")
    room = make_room(eve, f"Evil room {hostile}", description=f"Evil description {hostile}")
    post_message(room, eve, f"Evil message {hostile}")
    headers = bearer("eve")
    index_now()
    body = search(client, headers, q="evil")
    assert body["total"] == 3
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    for result in body["results"]:
        assert "<script" not in result["title_html"] + result["snippet_html"]
        assert escaped in result["title_html"] + result["snippet_html"]
        assert '<mark class="civicnet-highlight">Evil</mark>' in result["title_html"] + result["snippet_html"]


def test_people_type_works_when_only_some_people_have_skill_tags(client, site, index_now):
    make_user(username="fay", display_name="Fay Budget")
    index_now()
    body = search(client, site["ada"], q="budget", type="people")
    assert sorted(r["url"] for r in body["results"]) == ["/people/ada", "/people/fay"]


def test_the_last_possible_date_is_not_a_server_error(client, site):
    response = client.get("/api/v1/search?q=after:9999-12-31", headers=site["ada"])
    assert response.status_code in (200, 422), response.status_code


def test_openapi_documents_search(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/search"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "type", "sort", "page", "tag", "role", "region", "room", "after", "before"} <= names
    assert {"200", "400", "401", "503"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][schema]["properties"]
    assert {"counts", "total", "results", "facets"} <= set(properties)


def test_the_page_and_the_api_share_one_search_allowance_and_refuse_with_429(make_app):
    app = make_app(SEARCH_LIMIT_PER_MEMBER="3 per 30 seconds", SEARCH_LIMIT_PER_IP="100 per minute")
    with app.app_context():
        make_user(username="ada", display_name="Ada Lovelace")
        indexer.process_pending()
        headers = bearer("ada")
    client = app.test_client()
    assert client.post("/sign-in", data={"identifier": "ada", "password": DEFAULT_PASSWORD}).status_code == 302
    assert client.get("/search?q=ada").status_code == 200
    assert search(client, headers, q="ada")["counts"]["people"] == 1
    assert client.get("/search?q=lovelace").status_code == 200
    refused = client.get("/api/v1/search?q=ada", headers=headers)
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert refused.json["error"]["code"] == "rate_limited"
    assert "searched a lot" in refused.json["error"]["message"]
    # The member's 30-second window opened with their first search, moments ago (not the 60 s fallback).
    assert 25 <= int(refused.headers["Retry-After"]) <= 30
    # Searching is limited apart from the API's other reads.
    assert client.get("/api/v1/me", headers=headers).status_code == 200
