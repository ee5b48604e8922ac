"""How Flask-Login finds the signed-in member."""

from civicnet.accounts.models import User
from civicnet.accounts.services import is_suspended
from civicnet.accounts.sessions import is_live, note_visit
from civicnet.extensions import db, login_manager

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see this page"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load a member from '<id>.<session version>.<sign-in key>'; an old version, an ended sign-in or a
    suspension ends the session."""
    user_id, _, rest = session_id.partition(".")
    version, _, key = rest.partition(".")
    if not user_id.isdigit() or not version.isdigit() or not key:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or is_suspended(user) or not is_live(user.id, key):
        return None
    user.session_key = key
    note_visit(user)
    return user
