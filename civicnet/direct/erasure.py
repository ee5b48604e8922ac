"""An erased member's direct message setting and blocks go, both theirs and others' of them (rooms
ends their memberships, so their conversations go on without them)."""

from sqlalchemy import delete, or_

from civicnet import signals
from civicnet.accounts.blocks import Block
from civicnet.direct.models import MessagingSetting
from civicnet.extensions import db


@signals.member_erased.connect
def _erase(user, **_) -> None:
    db.session.execute(delete(MessagingSetting).where(MessagingSetting.user_id == user.id))
    db.session.execute(delete(Block).where(or_(Block.blocker_id == user.id, Block.blocked_id == user.id)))
