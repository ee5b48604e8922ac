from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username
from civicnet.demo import DEMO_MEMBERS
from civicnet.extensions import db
from civicnet.register.models import Entry
from civicnet.rooms.models import DIRECT, Message, Reaction, Room


def create_ops(runner, *extra: str):
    args = [
        "users",
        "create",
        "--username",
        "ops",
        "--email",
        "ops@example.org",
        "--password",
        "an operator passphrase",
    ]
    return runner.invoke(args=[*args, *extra])


def test_users_create_set_role_and_list(app, runner):
    result = create_ops(runner, "--role", "moderator")
    assert result.exit_code == 0, result.output
    assert "Created ops (Moderator)" in result.output
    assert runner.invoke(args=["users", "set-role", "ops", "admin"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "ops" in listing and "admin" in listing
    with app.app_context():
        assert find_user_by_username("ops").email_verified_at is not None


def test_users_create_reports_problems_without_a_traceback(app, runner):
    result = runner.invoke(
        args=["users", "create", "--username", "ops", "--email", "ops@example.org", "--password", "short"]
    )
    assert result.exit_code != 0 and "Password must be 12 characters or more" in result.output
    assert (
        runner.invoke(args=["users", "set-role", "ghost", "admin"])
        .output.strip()
        .endswith("No member has the username 'ghost'")
    )


def test_suspend_and_unsuspend_from_the_command_line(app, runner):
    create_ops(runner)
    assert runner.invoke(args=["users", "suspend", "ops", "--reason", "Spam"]).exit_code == 0
    assert "(suspended)" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "unsuspend", "ops"]).exit_code == 0
    assert "(suspended)" not in runner.invoke(args=["users", "list"]).output


def test_seed_demo_loads_once(app, runner):
    assert "Loaded 8 demo members" in runner.invoke(args=["seed-demo"]).output
    assert "already loaded" in runner.invoke(args=["seed-demo"]).output
    with app.app_context():
        assert db.session.query(User).count() == len(DEMO_MEMBERS)
        roles = {user.role for user in db.session.query(User)}
        assert roles == {"citizen", "public_servant", "moderator", "admin"}
        # The technology register shows something real at once: one to avoid, one that is real, a draft.
        register = {entry.name: (entry.status, entry.verdict) for entry in db.session.query(Entry)}
        assert register["FaceGate Live (example)"] == ("published", "avoid")
        assert register["OpenBook hall booking (example)"] == ("published", "real")
        assert sorted(status for status, _ in register.values()) == ["draft", "published", "published"]
        # Rooms show a thread with reactions, and two members have a direct conversation.
        assert db.session.query(Message).filter(Message.thread_root_id.is_not(None)).count() == 3
        assert db.session.query(Reaction).count() == 4
        assert db.session.query(Room).filter(Room.kind == DIRECT).count() == 1
