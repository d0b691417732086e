"""Small real images made in memory, as a phone would send them."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
# Brandenburg Gate, as a phone writes it: degrees, minutes, seconds.
GPS = {1: 'N', 2: (52.0, 30.0, 58.0), 3: 'E', 4: (13.0, 22.0, 40.0)}


def jpeg(size: tuple[int, int] = (800, 600), *, gps: bool = False, color: str = 'orange') -> bytes:
    exif = Image.Exif()
    exif[0x010F] = 'Phone maker'
    if gps:
        exif[GPS_IFD] = dict(GPS)
    buffer = io.BytesIO()
    Image.new('RGB', size, color).save(buffer, 'JPEG', exif=exif)
    return buffer.getvalue()


def png(size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new('RGBA', size, (0, 128, 255, 200)).save(buffer, 'PNG')
    return buffer.getvalue()
