"""Uploaded pictures (product images, return photos, review photos): only JPEG, PNG, WebP or
GIF of at most 5 MB and 40 million pixels are accepted, and only their pixels are stored,
re-encoded as JPEG."""

from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class ImageRejected(Exception):
    """An upload that is not an image we accept; the message says why."""


def image_upload_read(upload: File) -> bytes:
    """An upload's bytes, reading one byte past the size limit at most."""
    upload.seek(0)
    return upload.read(MAX_IMAGE_BYTES + 1)


def image_open_checked(data: bytes) -> Image.Image:
    """Open an upload for re-encoding: known image formats only, pixel count checked from the
    header before any decoding (decompression bombs are refused)."""
    try:
        image = Image.open(BytesIO(data), formats=IMAGE_FORMATS)
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ImageRejected(_("The image has too many pixels."))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(_("The image has too many pixels.")) from error
    except OSError as error:
        raise ImageRejected(_("This file is not an image we can read.")) from error
    return ImageOps.exif_transpose(image).convert("RGB")


def image_reencode(*, data: bytes) -> ContentFile:
    """The upload re-encoded as JPEG, or ImageRejected (too big, too many pixels, not an
    image)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(_("The image is larger than 5 MB."))
    image = image_open_checked(data)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return ContentFile(buffer.getvalue(), name="upload.jpg")


def image_thumbnail(image: Image.Image, size: tuple[int, int]) -> ContentFile:
    thumb = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    buffer = BytesIO()
    thumb.save(buffer, "JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue())
