from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet.accounts import services as accounts
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.moderation import records as tag_records
from civicnet.profiles import services
from civicnet.tags import services as tag_services
from civicnet.tags.models import HELP, LEARN, Tag, UserTag
from tests.factories import make_moderator, make_user


def changes(user, **fields):
    return services.ProfileChanges(display_name=fields.pop("display_name", user.display_name), **fields)


def tag_names(user, kind):
    return [tag.name for tag in tag_services.user_tags(user, kind)]


def test_update_profile_saves_fields_renders_markdown_and_tags(ctx):
    user = make_user()
    services.update_profile(
        user,
        user,
        changes(
            user,
            display_name="  Ada   Lovelace ",
            pronouns="she/her",
            region="Wales",
            bio="I like **engines**. <script>alert(1)</script> [x](javascript:alert(1))",
            help_tags="Data Protection, Open data",
            learn_tags="AI ethics",
        ),
    )
    assert user.display_name == "Ada Lovelace"
    assert user.profile.region == "Wales"
    assert "<strong>engines</strong>" in user.profile.bio_html
    assert "<script" not in user.profile.bio_html and "&lt;script&gt;" in user.profile.bio_html  # shown as text
    assert 'href="javascript' not in user.profile.bio_html
    assert tag_names(user, HELP) == ["Data Protection", "Open data"]
    assert tag_names(user, LEARN) == ["AI ethics"]


def test_the_same_tag_written_differently_is_one_tag(ctx):
    first, second = make_user(), make_user()
    services.update_profile(first, first, changes(first, help_tags="Data Protection"))
    services.update_profile(second, second, changes(second, learn_tags="data-protection"))
    assert db.session.scalar(select(db.func.count(Tag.id))) == 1
    assert tag_names(second, LEARN) == ["Data Protection"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"help_tags": ",".join(f"tag {n}" for n in range(11))}, "help_tags", "Choose up to 10 skill tags"),
        ({"learn_tags": "x" * 51}, "learn_tags", "must be 50 characters or fewer"),
        ({"learn_tags": "ok, !!!"}, "learn_tags", "must contain letters or numbers"),
        ({"region": "Atlantis"}, "region", "Choose a region from the list"),
        ({"visibility": "secret"}, "visibility", "Choose who can see your profile"),
        ({"display_name": "   "}, "display_name", "Enter a display name"),
    ],
)
def test_bad_profile_changes_are_refused_and_nothing_is_lost(ctx, fields, field, message):
    user = make_user(help_tags="Open data", region="London")
    with pytest.raises(Invalid) as error:
        services.update_profile(user, user, changes(user, **fields))
    assert error.value.field == field and message in error.value.message
    db.session.rollback()
    assert tag_names(user, HELP) == ["Open data"] and user.profile.region == "London"


def test_members_cannot_edit_each_others_profiles(ctx):
    ada, bob = make_user(), make_user()
    with pytest.raises(Forbidden):
        services.update_profile(bob, ada, changes(ada, region="Wales"))


def test_members_only_and_suspended_profiles_are_hidden_from_the_wrong_viewers(ctx):
    hidden = make_user(username="hidden", visibility="members")
    suspended = make_user(username="gone")
    viewer, moderator = make_user(), make_moderator()
    accounts.suspend_user(None, suspended, "Spam", utcnow() + timedelta(days=1))
    with pytest.raises(NotFound):
        services.get_visible_profile(None, "hidden")
    assert services.get_visible_profile(viewer, "hidden") == hidden
    with pytest.raises(NotFound):
        services.get_visible_profile(viewer, "gone")
    assert services.get_visible_profile(moderator, "gone") == suspended
    assert services.get_visible_profile(suspended, "gone") == suspended


def test_directory_filters_by_tag_role_and_region_and_respects_visibility(ctx):
    ps = make_user(role="public_servant", region="Wales", help_tags="Open data")
    citizen = make_user(region="Wales", learn_tags="Open data")
    members_only = make_user(region="London", help_tags="Open data", visibility="members")
    viewer = make_user()
    open_data = tag_services.get_tag("open-data")
    assert set(db.session.scalars(services.people_query(viewer, tag=open_data))) == {ps, citizen, members_only}
    assert set(db.session.scalars(services.people_query(None, tag=open_data))) == {ps, citizen}
    assert list(db.session.scalars(services.people_query(viewer, tag=open_data, role="public_servant"))) == [ps]
    assert set(db.session.scalars(services.people_query(viewer, region="Wales"))) == {ps, citizen}
    holders = services.tag_holders(viewer, open_data)
    assert set(holders[HELP]) == {ps, members_only} and holders[LEARN] == [citizen]
    with pytest.raises(Invalid):
        services.people_query(viewer, role="emperor")


def test_popular_tags_are_ordered_by_how_many_members_hold_them(ctx):
    make_user(help_tags="Open data, AI ethics", learn_tags="Cyber security")
    make_user(help_tags="AI ethics", learn_tags="Open data")
    make_user(learn_tags="AI ethics")
    assert [(tag.name, uses) for tag, uses in tag_services.popular_tags()] == [
        ("AI ethics", 3),
        ("Open data", 2),
        ("Cyber security", 1),
    ]


def test_suggestions_match_the_start_of_a_tag_most_used_first(ctx):
    make_user(help_tags="Data ethics, Data protection")
    make_user(help_tags="Data protection, Open data")
    assert [tag.name for tag in tag_services.suggest_tags("DATA")] == ["Data protection", "Data ethics"]
    assert tag_services.suggest_tags("!!") == []


def test_moderators_rename_tags_but_not_onto_an_existing_one(ctx):
    make_user(help_tags="Data protecton, Open data")
    moderator, citizen = make_moderator(), make_user()
    tag = tag_services.get_tag("data-protecton")
    with pytest.raises(Forbidden):
        tag_records.rename_tag(citizen, tag, "Data protection", "housekeeping")
    with pytest.raises(Invalid) as error:
        tag_records.rename_tag(moderator, tag, "open DATA", "housekeeping")
    assert "Merge this tag into it instead" in error.value.message
    tag_records.rename_tag(moderator, tag, "Data protection", "housekeeping")
    assert tag_services.get_tag("data-protection").id == tag.id


def test_merging_moves_every_use_without_duplicates(ctx):
    both = make_user(help_tags="GDPR, Data protection", learn_tags="GDPR")
    only_source = make_user(help_tags="GDPR")
    moderator = make_moderator()
    source, target = tag_services.get_tag("gdpr"), tag_services.get_tag("data-protection")
    with pytest.raises(Forbidden):
        tag_records.merge_tags(both, source, target, "housekeeping")
    with pytest.raises(Invalid):
        tag_records.merge_tags(moderator, target, target, "housekeeping")
    tag_records.merge_tags(moderator, source, target, "housekeeping")
    with pytest.raises(NotFound):
        tag_services.get_tag("gdpr")
    assert tag_names(both, HELP) == ["Data protection"]
    assert tag_names(both, LEARN) == ["Data protection"]
    assert tag_names(only_source, HELP) == ["Data protection"]
    rows = db.session.scalars(select(UserTag).where(UserTag.tag_id == target.id)).all()
    assert len(rows) == len({(row.user_id, row.kind) for row in rows}) == 3


def test_merging_tags_moves_rooms_and_mentoring_offers_to_the_target_tag(ctx):
    from civicnet.mentoring.offers import OfferDetails, offer_of, save_offer
    from tests.factories import make_moderator, make_room, make_verified

    moderator = make_moderator()
    mentor = make_verified(help_tags="DPIA, Open data")
    save_offer(mentor, OfferDetails(tags=["dpia"], description="I can help with DPIAs.", capacity=2))
    room = make_room(mentor, "Impact assessments", tags="DPIA")
    both = make_room(mentor, "Assessments and DPIAs", tags="DPIA, DPIAs")
    source, target = tag_services.get_tag("dpia"), tag_services.get_or_create_tag("DPIAs")

    tag_records.merge_tags(moderator, source, target, "housekeeping")
    db.session.expire_all()

    assert [tag.slug for tag in room.tags] == ["dpias"]
    assert [tag.slug for tag in both.tags] == ["dpias"]
    assert [tag.slug for tag in offer_of(mentor).tags] == ["dpias"]
