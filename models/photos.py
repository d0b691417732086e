"""Photos: validated by content, location stripped unless shared, stored with a preview."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from . import settings
from .errors import Invalid
from .text import normalise

PREVIEW_PX = 640
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded
_FORMATS = {'JPEG': 'jpg', 'PNG': 'png', 'WEBP': 'webp', 'GIF': 'gif', 'HEIF': 'jpg', 'MPO': 'jpg'}
GPS_TAG = 0x8825


@dataclass(frozen=True)
class PhotoIn:
    """A photo as it arrived from the user: bytes and the name their device gave it."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class StoredPhoto:
    original_name: str
    stored_name: str
    preview_name: str
    width: int
    height: int
    size: int


async def store(photo: PhotoIn, *, keep_location: bool) -> StoredPhoto:
    """Check and write a photo to the upload directory (Pillow works in a thread, off the event loop)."""
    check_size(len(photo.data))
    return await asyncio.to_thread(_store, photo, keep_location)


def check_size(size: int) -> None:
    limit = settings.settings.max_upload_bytes
    if size > limit:
        raise too_big(size)
    if size == 0:
        raise Invalid('This file is empty.', field='photos')


def too_big(size: int | None) -> Invalid:
    """The refusal of a photo over the limit: the server's check and the browser's say the same."""
    limit = _mb(settings.settings.max_upload_bytes)
    how_big = f'is {_mb(size)} MB' if size else 'is too big'
    return Invalid(f'This photo {how_big}; the limit is {limit} MB. Try a smaller one.', field='photos')


def not_a_photo(filename: str) -> Invalid:
    return Invalid(f'"{_short(filename)}" is not a photo we can read (JPEG, PNG, WebP or GIF).', field='photos')


def _mb(size: int) -> str:
    return f'{size / 1048576:.1f}'.removesuffix('.0')


def discard(stored: list[StoredPhoto]) -> None:
    for photo in stored:
        for name in (photo.stored_name, photo.preview_name):
            path_of(name).unlink(missing_ok=True)


def path_of(stored_name: str) -> Path:
    """Where a stored file lives; names are ours (uuid), never the user's."""
    return settings.settings.upload_dir / stored_name


def _store(photo: PhotoIn, keep_location: bool) -> StoredPhoto:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(photo.data)) as probe:
            probe.verify()  # checks the structure; the image must be opened again afterwards
        image: Image.Image = Image.open(io.BytesIO(photo.data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise not_a_photo(photo.filename) from e
    fmt = image.format or ''
    if fmt not in _FORMATS:
        raise Invalid(
            f'"{_short(photo.filename)}" is a {fmt or "unknown"} file; please send a JPEG, PNG, WebP or GIF photo.',
            field='photos',
        )
    exif = image.getexif()
    image = ImageOps.exif_transpose(image)  # the preview must stand the right way up
    if not keep_location and GPS_TAG in exif:
        del exif[GPS_TAG]
    ext = _FORMATS[fmt]
    stem = uuid.uuid4().hex
    upload_dir = settings.settings.upload_dir
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored_name = f'{stem}.{ext}'
    # Re-encoding drops everything we did not choose to keep (comments, thumbnails with GPS, ...).
    save_kwargs: dict[str, object] = {}
    if ext == 'jpg':
        image = image.convert('RGB')
        save_kwargs = {'quality': 88, 'exif': _without_orientation(exif)}
    elif ext == 'webp':
        save_kwargs = {'quality': 88}
    _atomic_save(image, upload_dir / stored_name, 'JPEG' if ext == 'jpg' else fmt, **save_kwargs)
    preview = image.convert('RGB')
    preview.thumbnail((PREVIEW_PX, PREVIEW_PX))
    preview_name = f'{stem}.preview.jpg'
    _atomic_save(preview, upload_dir / preview_name, 'JPEG', quality=80)
    return StoredPhoto(
        original_name=_short(photo.filename, 120),
        stored_name=stored_name,
        preview_name=preview_name,
        width=image.width,
        height=image.height,
        size=(upload_dir / stored_name).stat().st_size,
    )


def _without_orientation(exif: Image.Exif) -> bytes:
    exif[0x0112] = 1  # pixels are rotated already
    return exif.tobytes()


def _atomic_save(image: Image.Image, path: Path, fmt: str, **kwargs: object) -> None:
    tmp = path.with_suffix(path.suffix + '.tmp')
    with open(tmp, 'wb') as f:
        image.save(f, fmt, **kwargs)
        f.flush()
        os.fsync(f.fileno())  # the file is on disk before the row that names it is committed
    tmp.replace(path)


def _short(name: str, limit: int = 40) -> str:
    name = os.path.basename(normalise(name, one_line=True)) or 'photo'
    return name if len(name) <= limit else name[: limit - 1] + '…'


def check(photo: PhotoIn) -> None:
    """Refuse a non-photo or an oversized file as soon as it arrives (before the form is sent)."""
    check_size(len(photo.data))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(photo.data)) as probe:
            fmt = probe.format or ''
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise not_a_photo(photo.filename) from e
    if fmt not in _FORMATS:
        raise Invalid(
            f'"{_short(photo.filename)}" is a {fmt or "unknown"} file; please send a JPEG, PNG, WebP or GIF photo.',
            field='photos',
        )


def thumbnail_data_url(photo: PhotoIn, size: int = 160) -> str:
    """A small JPEG of a checked photo as a data: address, to show what was picked before it is sent (the
    requester sees their photo, not its file name)."""
    with Image.open(io.BytesIO(photo.data)) as image:
        small = ImageOps.exif_transpose(image).convert('RGB')
        small.thumbnail((size, size))
        out = io.BytesIO()
        small.save(out, 'JPEG', quality=70)
    return 'data:image/jpeg;base64,' + base64.b64encode(out.getvalue()).decode()
