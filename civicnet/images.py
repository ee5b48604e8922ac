"""Uploaded images: recognised by their content (JPEG, PNG, GIF or WebP, whatever name or type the browser
sent), refused above a pixel limit before they are decoded (decompression bombs), turned upright by their
EXIF orientation, then re-encoded without any metadata: EXIF (with its GPS position and camera details),
ICC profiles (colours are converted to sRGB first, so they still look right) and comments all go.

Only the first frame of an animated GIF or WebP is kept."""

import contextlib
import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from civicnet.errors import Invalid

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# 50 megapixels: a 48-megapixel phone photo fits; decoding one takes about 150 MB, the most one upload may.
MAX_PIXELS = 50_000_000
NOT_AN_IMAGE = "The file must be a JPEG, PNG, GIF or WebP image. Choose another file"
DAMAGED = "The image could not be read: it may be damaged. Choose another file"
TOO_MANY_PIXELS = "The image is too large: it must be at most 50 megapixels (for example 8,000 by 6,000 pixels)"
_SRGB = ImageCms.createProfile("sRGB")
# What each source format is stored as: photos stay JPEG, drawings and screenshots lossless.
STORED_AS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class Picture:
    image: Image.Image  # upright, RGB or RGBA, sRGB, without metadata
    source_format: str  # "JPEG", "PNG", "GIF" or "WEBP"


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    width: int
    height: int


def is_image(data: bytes) -> bool:
    """Whether Pillow recognises the data as one of the accepted formats (without decoding it)."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS):
            return True
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError):
        return False


def read(data: bytes, field: str) -> Picture:
    """Decode an uploaded image's first frame, upright and clean; Invalid(field) if it is not one civicnet accepts."""
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (UnidentifiedImageError, ValueError, SyntaxError, EOFError, OSError):
        raise Invalid(field, NOT_AN_IMAGE) from None
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise Invalid(field, TOO_MANY_PIXELS) from None
    width, height = image.size
    if width * height > MAX_PIXELS:  # checked from the header, before a single pixel is decoded
        raise Invalid(field, TOO_MANY_PIXELS)
    if width < 1 or height < 1:
        raise Invalid(field, DAMAGED)
    source_format = image.format
    try:
        image.seek(0)
        image.load()
        image = ImageOps.exif_transpose(image)
        image = _to_srgb(image)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise Invalid(field, DAMAGED) from None
    image.info = {}  # EXIF, GPS, ICC profile, comments, text chunks: none of it is written again
    return Picture(image, source_format)


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where some pixel is transparent, in sRGB."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert("RGBA" if transparent else "RGB")
    profile = image.info.get("icc_profile")
    if profile:
        # A profile lcms cannot use leaves the pixels as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an alpha channel with nothing transparent
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    return image


def square(picture: Picture, side: int) -> Image.Image:
    """The centre square of the picture, side pixels wide (or as wide as the picture, never enlarged)."""
    image = picture.image
    side = min(side, image.width, image.height)
    return ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def shrunk(picture: Picture, longest: int) -> Image.Image:
    """The picture scaled down to fit in longest × longest pixels (never enlarged)."""
    image = picture.image.copy()
    image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return image


def encode(image: Image.Image, image_format: str) -> Encoded:
    """The image as JPEG, PNG or WebP bytes, with no metadata."""
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode == "RGBA":  # JPEG has no transparency: on white, as most viewers show it
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image.save(out, "JPEG", quality=85, optimize=True, exif=b"")
    elif image_format == "PNG":
        image.save(out, "PNG")
    elif image_format == "WEBP":
        image.save(out, "WEBP", quality=82, method=4, exif=b"")
    else:
        raise ValueError(f"cannot store images as {image_format}")
    return Encoded(out.getvalue(), CONTENT_TYPES[image_format], image.width, image.height)
