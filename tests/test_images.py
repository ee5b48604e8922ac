"""Uploaded images (civicnet.images): only JPEG, PNG, GIF and WebP by their content, never decoded past the
pixel limit, turned upright, and re-encoded with no metadata left."""

import io

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from civicnet import images
from civicnet.errors import Invalid

pytestmark = pytest.mark.no_database

RED, GREEN, BLUE = (220, 0, 0), (0, 160, 0), (0, 0, 220)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def photo_with_everything() -> bytes:
    """A JPEG as a phone writes it: turned by EXIF (Orientation 6: rotate 90° clockwise to view), with a
    GPS position, the camera's name, an ICC profile and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encoded(Image.new("RGB", (40, 20), RED), "JPEG", exif=exif, icc_profile=icc, comment=b"taken at home")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_the_four_formats_are_accepted_whatever_their_name(image_format):
    picture = images.read(encoded(Image.new("RGB", (30, 20), GREEN), image_format), "photo")
    assert picture.source_format == image_format
    assert picture.image.size == (30, 20)


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.7 pretending",
        encoded(Image.new("RGB", (10, 10)), "BMP"),
        encoded(Image.new("RGB", (10, 10)), "TIFF"),
        b"",
    ],
    ids=["svg", "pdf", "bmp", "tiff", "empty"],
)
def test_anything_else_is_refused_with_a_message(data):
    with pytest.raises(Invalid) as refused:
        images.read(data, "photo")
    assert refused.value.field == "photo"
    assert refused.value.message == images.NOT_AN_IMAGE


def test_a_damaged_image_is_refused_with_a_message():
    whole = encoded(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG")
    with pytest.raises(Invalid) as refused:
        images.read(whole[: len(whole) // 2], "photo")
    assert refused.value.message == images.DAMAGED


def test_an_image_past_the_pixel_limit_is_refused_before_it_is_decoded(monkeypatch):
    """A decompression bomb: a few kilobytes that would decode to hundreds of megabytes."""
    bomb = encoded(Image.new("1", (10_000, 6_000)), "PNG")
    assert len(bomb) < 100_000
    decoded_pixels = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded_pixels.append(self))
    with pytest.raises(Invalid) as refused:
        images.read(bomb, "photo")
    assert refused.value.message == images.TOO_MANY_PIXELS
    assert decoded_pixels == []


def test_beyond_pillows_own_limit_too(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow refuses over twice this, at open
    with pytest.raises(Invalid) as refused:
        images.read(encoded(Image.new("RGB", (100, 100)), "PNG"), "photo")
    assert refused.value.message == images.TOO_MANY_PIXELS


def test_a_photo_is_turned_upright_and_loses_every_piece_of_metadata():
    picture = images.read(photo_with_everything(), "photo")
    assert picture.image.size == (20, 40)  # upright: the EXIF orientation applied to the pixels

    for image_format in ("JPEG", "PNG", "WEBP"):
        stored = decoded(images.encode(picture.image, image_format).data)
        assert stored.size == (20, 40)
        assert not stored.getexif(), image_format  # no orientation, camera or GPS
        assert "icc_profile" not in stored.info, image_format
        assert "comment" not in stored.info and "exif" not in stored.info, image_format


def test_a_png_loses_its_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ada at 10 Downing Street")
    picture = images.read(encoded(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG", pnginfo=info), "photo")
    stored = decoded(images.encode(picture.image, "PNG").data)
    assert "Author" not in stored.info
    assert stored.mode == "RGBA"  # transparency kept


def test_only_the_first_frame_of_an_animated_gif_is_kept():
    frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, BLUE)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    picture = images.read(out.getvalue(), "photo")
    stored = decoded(images.encode(picture.image, images.STORED_AS["GIF"]).data)
    assert stored.format == "PNG"
    assert stored.getpixel((10, 10))[:3] == RED


def test_a_square_is_cut_from_the_centre_and_never_enlarged():
    image = Image.new("RGB", (300, 100), RED)
    image.paste(GREEN, (100, 0, 200, 100))  # the middle third
    image.paste(BLUE, (200, 0, 300, 100))
    square = images.square(images.read(encoded(image, "PNG"), "photo"), 256)
    assert square.size == (100, 100)
    assert {square.getpixel((x, y)) for x in (0, 50, 99) for y in (0, 99)} == {GREEN}


def test_a_thumbnail_keeps_the_shape():
    shrunk = images.shrunk(images.read(encoded(Image.new("RGB", (800, 200)), "PNG"), "photo"), 400)
    assert shrunk.size == (400, 100)
