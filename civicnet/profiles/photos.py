"""Members' photos: uploaded on the profile page, cropped to a square from the centre, stored at two sizes
(civicnet.accounts.photos names them), and served only to those who may see the member's profile."""

from flask import current_app
from sqlalchemy import or_, select

from civicnet import images, ratelimit, storage
from civicnet.accounts.models import User
from civicnet.accounts.photos import LARGE, SMALL, photo_key
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.profiles.services import get_visible_profile
from civicnet.text import file_size
from civicnet.transactions import commit

FOLDER = "photos"
SIDES = {LARGE: 256, SMALL: 96}  # pixels: the large one on the profile page, the small one beside names
FIELD = "photo"


def max_bytes() -> int:
    return current_app.config["PHOTO_MAX_BYTES"]


def upload_limit() -> int:
    """How large a request with a photo may be: twice the photo's limit, so that a photo somewhat too
    large still reaches the form, which says how large it may be."""
    return 2 * max_bytes() + 64 * 1024


def photo_hint() -> str:
    return (
        f"A JPEG, PNG, GIF or WebP image, {file_size(max_bytes())} or smaller. We crop it to a square from "
        "the centre, and remove its location and camera details."
    )


def set_photo(actor: User, user: User, data: bytes) -> User:
    """Make an uploaded image the member's photo (a centred square, at two sizes), replacing any earlier one."""
    if actor.id != user.id:
        raise Forbidden("You can only change your own photo")
    if not data:
        raise Invalid(FIELD, "Choose a photo to upload")
    if len(data) > max_bytes():
        raise Invalid(FIELD, f"The photo must be {file_size(max_bytes())} or smaller")
    # Before decoding it, the costly part (a small file can be a huge picture).
    ratelimit.check("upload", str(actor.id), current_app.config["UPLOAD_LIMIT"])
    picture = images.read(data, FIELD)
    encoded = {size: images.encode(images.square(picture, side), "WEBP") for size, side in SIDES.items()}
    earlier = (user.photo_key, user.photo_small_key)
    # Written before the commit that names them; the earlier files go only once it has.
    user.photo_key = storage.store(FOLDER, encoded[LARGE].data, encoded[LARGE].content_type)
    user.photo_small_key = storage.store(FOLDER, encoded[SMALL].data, encoded[SMALL].content_type)
    storage.discard_after_commit(*earlier)
    commit()
    return user


def clear_photo(user: User) -> None:
    """Forget the member's photo in the current transaction; its files go after the commit."""
    storage.discard_after_commit(user.photo_key, user.photo_small_key)
    user.photo_key = user.photo_small_key = None


def remove_photo(actor: User, user: User) -> User:
    """Remove the member's photo: their initials are shown instead."""
    if actor.id != user.id:
        raise Forbidden("You can only change your own photo")
    clear_photo(user)
    commit()
    return user


def photo_to_serve(viewer, username: str, name: str) -> tuple[User, str]:
    """The member and stored file behind a photo's address, if the viewer may see the member's profile
    (NotFound otherwise, as for the profile itself)."""
    user = get_visible_profile(viewer, username)
    for size in (SMALL, LARGE):
        key = photo_key(user, size)
        if key is not None and key.rsplit("/", 1)[-1] == name:
            return user, key
    raise NotFound("There is no such photo")


@storage.register_owner("member photos")
def _photos_in_use(keys: list[str]) -> set[str]:
    rows = db.session.execute(
        select(User.photo_key, User.photo_small_key).where(
            or_(User.photo_key.in_(keys), User.photo_small_key.in_(keys))
        )
    )
    return {key for row in rows for key in row if key}
