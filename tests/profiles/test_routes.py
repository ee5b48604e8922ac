import re

import pytest

from civicnet.accounts.services import find_user_by_username
from civicnet.tags import services as tag_services
from civicnet.tags.models import HELP
from tests.factories import make_moderator, make_user


@pytest.fixture
def people(app):
    with app.app_context():
        make_user(
            username="priya",
            display_name="Priya Shah",
            role="public_servant",
            region="London",
            help_tags="Data protection",
        )
        make_user(
            username="quiet",
            display_name="Quiet Member",
            region="Wales",
            help_tags="Data protection",
            visibility="members",
        )
        make_user(username="amira", display_name="Amira Haddad", learn_tags="Data protection, AI ethics")


def test_profile_page_shows_role_tags_and_bio(client, app):
    with app.app_context():
        make_user(
            username="priya",
            display_name="Priya Shah",
            role="public_servant",
            organisation="ICO",
            job_title="Policy officer",
            bio="Ask me about **DPIAs**",
            help_tags="Data protection",
            learn_tags="AI ethics",
            pronouns="she/her",
        )
    page = client.get("/people/priya").get_data(as_text=True)
    for text in (
        "Priya Shah",
        "Public servant",
        "Policy officer, ICO",
        "<strong>DPIAs</strong>",
        "she/her",
        'href="/tags/data-protection"',
        'href="/tags/ai-ethics"',
    ):
        assert text in page


def test_members_only_profile_is_404_for_visitors_and_visible_to_members(client, app, auth, people):
    assert client.get("/people/quiet").status_code == 404
    assert client.get("/people/QUIET").status_code == 404
    auth.sign_in("amira")
    assert client.get("/people/quiet").status_code == 200


def test_edit_profile_through_the_form(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    assert "Edit your profile" in client.get("/profile/edit").get_data(as_text=True)
    response = client.post(
        "/profile/edit",
        data={
            "display_name": "Ada L",
            "region": "Scotland",
            "bio": "Hello",
            "visibility": "members",
            "help_tags": "Open data, open-data, Accessibility",
            "learn_tags": "",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/people/ada"
    with app.app_context():
        user = find_user_by_username("ada")
        assert user.profile.visibility == "members" and user.profile.region == "Scotland"
        assert [tag.name for tag in tag_services.user_tags(user, HELP)] == ["Open data", "Accessibility"]
    form = client.get("/profile/edit").get_data(as_text=True)
    assert 'value="Open data, Accessibility"' in form


def test_profile_form_errors_keep_what_was_typed(client, app, auth):
    with app.app_context():
        make_user(username="ada", help_tags="Open data")
    auth.sign_in("ada")
    many = ", ".join(f"topic {n}" for n in range(12))
    page = client.post(
        "/profile/edit", data={"display_name": "Ada", "help_tags": many, "visibility": "public"}
    ).get_data(as_text=True)
    assert "Choose up to 10 skill tags" in page and "topic 11" in page
    with app.app_context():
        assert [t.name for t in tag_services.user_tags(find_user_by_username("ada"), HELP)] == ["Open data"]


def test_people_directory_filters_and_hides_members_only_profiles_from_visitors(client, auth, people):
    page = client.get("/people?tag=data-protection").get_data(as_text=True)
    assert "Priya Shah" in page and "Amira Haddad" in page and "Quiet Member" not in page
    # The filter shows the tag's name, not the address the link carried.
    assert re.search(r'<input[^>]+name="tag"[^>]+value="Data protection"', page), page
    page = client.get("/people?tag=Data+Protection&role=public_servant").get_data(as_text=True)
    assert "Priya Shah" in page and "Amira Haddad" not in page
    auth.sign_in("amira")
    page = client.get("/people?region=Wales").get_data(as_text=True)
    assert "Quiet Member" in page and "Priya Shah" not in page


def test_unknown_tag_or_role_in_the_directory_gets_a_message(client, people):
    page = client.get("/people?tag=no-such-tag").get_data(as_text=True)
    assert "There is no skill tag called" in page and "govuk-error-summary" in page
    page = client.get("/people?role=emperor").get_data(as_text=True)
    assert "Choose a role from the list" in page


def test_people_directory_is_paginated(client, app):
    with app.app_context():
        for n in range(25):
            make_user(display_name=f"Person {n:02d}")
    first = client.get("/people").get_data(as_text=True)
    second = client.get("/people?page=2").get_data(as_text=True)
    assert "25 people" in first and "Person 00" in first and "Person 20" not in first
    assert "Person 20" in second and "Person 00" not in second
    assert 'href="/people?page=2"' in first
    assert client.get("/people?page=99").status_code == 200


def test_tags_page_lists_tags_by_popularity_and_tag_page_lists_people(client, people):
    page = client.get("/tags").get_data(as_text=True)
    assert page.index("Data protection") < page.index("AI ethics")
    tag_page = client.get("/tags/data-protection").get_data(as_text=True)
    assert "Who can help (1)" in tag_page and "Who wants to learn (1)" in tag_page
    assert "Priya Shah" in tag_page and "Quiet Member" not in tag_page
    assert client.get("/tags/Data_Protection").status_code == 301
    assert client.get("/tags/nothing-here").status_code == 404


def test_tag_suggestions_are_json(client, people):
    response = client.get("/tags/suggest?q=da")
    assert response.json == {"tags": [{"slug": "data-protection", "name": "Data protection"}]}
    assert client.get("/tags/suggest?q=" + "x" * 5000).json == {"tags": []}


def test_only_moderators_can_rename_or_merge_tags_over_http(client, app, auth, people):
    with app.app_context():
        make_moderator(username="sam")
    auth.sign_in("amira")
    assert client.get("/tags/ai-ethics/edit").status_code == 403
    assert (
        client.post(
            "/tags/ai-ethics/edit", data={"rename-name": "X", "rename-submit": "y", "rename-reason": "housekeeping"}
        ).status_code
        == 403
    )
    auth.sign_out()
    auth.sign_in("sam")
    page = client.post(
        "/tags/ai-ethics/edit",
        data={"rename-name": "data protection", "rename-submit": "y", "rename-reason": "housekeeping"},
    ).get_data(as_text=True)
    assert "Merge this tag into it instead" in page
    response = client.post(
        "/tags/ai-ethics/edit",
        data={"merge-target": "Data Protection", "merge-submit": "y", "merge-reason": "housekeeping"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/tags/data-protection"
    assert client.get("/tags/ai-ethics").status_code == 404
    page = client.post(
        "/tags/data-protection/edit", data={"merge-target": "nope", "merge-submit": "y", "merge-reason": "housekeeping"}
    ).get_data(as_text=True)
    assert "There is no skill tag called" in page
