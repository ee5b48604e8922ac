"""An erased member's verification requests (work address, organisation, job title) go."""

from sqlalchemy import delete

from civicnet import signals
from civicnet.extensions import db
from civicnet.verification.models import Verification


@signals.member_erased.connect
def _erase(user, **_) -> None:
    db.session.execute(delete(Verification).where(Verification.user_id == user.id))
    user.verified_until = user.verified_organisation = None
