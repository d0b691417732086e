"""Photos: checked by content, stored with a preview, location removed unless shared."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from models import photos, settings, tickets
from models.errors import Invalid
from models.photos import PhotoIn
from models.tickets import Attachment
from models.users import User
from tests.images import GPS_IFD, jpeg, png


def gps_of(stored_name: str) -> dict:
    with Image.open(photos.path_of(stored_name)) as image:
        return dict(image.getexif().get_ifd(GPS_IFD))


async def test_a_photo_is_stored_under_uploads_with_a_preview(tmp_path: Path) -> None:
    stored = await photos.store(PhotoIn(jpeg((1600, 1200)), 'door.jpg'), keep_location=False)
    assert photos.path_of(stored.stored_name).parent == tmp_path / 'uploads'
    with Image.open(photos.path_of(stored.stored_name)) as image:
        assert (image.format, image.size) == ('JPEG', (1600, 1200))
    with Image.open(photos.path_of(stored.preview_name)) as preview:
        assert (preview.format, preview.size) == ('JPEG', (640, 480))
    assert (stored.original_name, stored.width, stored.height) == ('door.jpg', 1600, 1200)
    assert stored.size == photos.path_of(stored.stored_name).stat().st_size


async def test_a_portrait_preview_is_at_most_640_high() -> None:
    stored = await photos.store(PhotoIn(jpeg((900, 1600)), 'tall.jpg'), keep_location=False)
    with Image.open(photos.path_of(stored.preview_name)) as preview:
        assert preview.size == (360, 640)


async def test_a_small_photo_is_not_blown_up_for_its_preview() -> None:
    stored = await photos.store(PhotoIn(jpeg((200, 100)), 'small.jpg'), keep_location=False)
    with Image.open(photos.path_of(stored.preview_name)) as preview:
        assert preview.size == (200, 100)


async def test_a_png_stays_a_png_with_a_jpeg_preview() -> None:
    stored = await photos.store(PhotoIn(png(), 'screenshot.png'), keep_location=False)
    assert stored.stored_name.endswith('.png')
    with Image.open(photos.path_of(stored.stored_name)) as image:
        assert image.format == 'PNG'
    with Image.open(photos.path_of(stored.preview_name)) as preview:
        assert preview.format == 'JPEG'


async def test_the_location_is_removed_from_a_photo() -> None:
    assert photos.GPS_TAG == GPS_IFD
    stored = await photos.store(PhotoIn(jpeg(gps=True), 'door.jpg'), keep_location=False)
    assert gps_of(stored.stored_name) == {}


async def test_other_exif_survives_when_the_location_is_removed() -> None:
    stored = await photos.store(PhotoIn(jpeg(gps=True), 'door.jpg'), keep_location=False)
    with Image.open(photos.path_of(stored.stored_name)) as image:
        assert image.getexif().get(0x010F) == 'Phone maker'


async def test_the_location_is_kept_when_the_requester_shares_it() -> None:
    stored = await photos.store(PhotoIn(jpeg(gps=True), 'door.jpg'), keep_location=True)
    assert gps_of(stored.stored_name)[1] == 'N'


async def test_a_ticket_keeps_the_location_only_if_shared(requester: User, people: SimpleNamespace) -> None:
    shared = await tickets.create_ticket(
        requester=requester,
        service_id=people.wifi.id,
        title='Router',
        photos_in=[PhotoIn(jpeg(gps=True), 'router.jpg')],
        share_location=True,
    )
    private = await tickets.create_ticket(
        requester=requester,
        service_id=people.wifi.id,
        title='Router',
        photos_in=[PhotoIn(jpeg(gps=True), 'router.jpg')],
    )
    assert gps_of((await Attachment.get(ticket_id=shared.id)).stored_name) != {}
    assert gps_of((await Attachment.get(ticket_id=private.id)).stored_name) == {}


async def test_a_reply_never_keeps_the_location(requester: User, ticket: tickets.Ticket) -> None:
    event = await tickets.reply(ticket.id, 'Here', author=requester, photos_in=[PhotoIn(jpeg(gps=True), 'a.jpg')])
    assert gps_of((await Attachment.get(event_id=event.id)).stored_name) == {}


async def test_a_ticket_with_photos_lists_them_on_its_created_event(
    requester: User, technician: User, people: SimpleNamespace
) -> None:
    ticket = await tickets.create_ticket(
        requester=requester,
        service_id=people.printer.id,
        title='Jam',
        photos_in=[PhotoIn(jpeg(), 'a.jpg'), PhotoIn(png(), 'b.png')],
    )
    [created] = await tickets.timeline_for(technician, ticket.id)
    assert sorted(a.original_name for a in created.attachments) == ['a.jpg', 'b.png']
    assert all(photos.path_of(a.preview_name).exists() for a in created.attachments)


async def test_something_that_is_not_a_photo_is_refused_by_name() -> None:
    with pytest.raises(Invalid) as error:
        await photos.store(PhotoIn(b'hello', 'notes.txt'), keep_location=False)
    assert str(error.value) == '"notes.txt" is not a photo we can read (JPEG, PNG, WebP or GIF).'
    assert error.value.field == 'photos'
    assert not settings.settings.upload_dir.exists() or not any(settings.settings.upload_dir.iterdir())


async def test_a_truncated_photo_is_refused() -> None:
    with pytest.raises(Invalid, match='not a photo we can read'):
        await photos.store(PhotoIn(jpeg()[:300], 'broken.jpg'), keep_location=False)


async def test_an_image_of_another_format_is_refused_with_its_format() -> None:
    buffer = io.BytesIO()
    Image.new('RGB', (10, 10)).save(buffer, 'BMP')
    with pytest.raises(Invalid, match='is a BMP file'):
        await photos.store(PhotoIn(buffer.getvalue(), 'old.bmp'), keep_location=False)


async def test_an_empty_file_is_refused() -> None:
    with pytest.raises(Invalid, match='empty'):
        await photos.store(PhotoIn(b'', 'nothing.jpg'), keep_location=False)


async def test_a_photo_over_the_limit_is_refused_saying_both_sizes() -> None:
    with pytest.raises(Invalid) as error:
        await photos.store(PhotoIn(b'\xff' * (20 * 1024 * 1024), 'huge.jpg'), keep_location=False)
    assert str(error.value) == 'This photo is 20 MB; the limit is 15 MB. Try a smaller one.'
    assert error.value.field == 'photos'


async def test_a_photo_just_over_the_limit_says_how_much_too_big() -> None:
    with pytest.raises(Invalid) as error:
        await photos.store(PhotoIn(b'\xff' * int(15.4 * 1024 * 1024), 'big.jpg'), keep_location=False)
    assert 'is 15 MB; the limit is 15 MB' not in str(error.value)


async def test_the_upload_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('TAPDESK_MAX_UPLOAD_MB', '1')
    settings.reload()
    with pytest.raises(Invalid, match='the limit is 1 MB'):
        await photos.store(PhotoIn(b'\xff' * (2 * 1024 * 1024), 'big.jpg'), keep_location=False)
    assert (await photos.store(PhotoIn(jpeg(), 'fine.jpg'), keep_location=False)).size > 0


async def test_more_than_six_photos_at_once_are_refused(requester: User, people: SimpleNamespace) -> None:
    seven = [PhotoIn(png((8, 8)), f'{n}.png') for n in range(7)]
    with pytest.raises(Invalid, match='Up to 6 photos') as error:
        await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='Many', photos_in=seven)
    assert error.value.field == 'photos'
    assert await tickets.Ticket.all().count() == 0


async def test_a_bad_photo_refuses_the_whole_report(requester: User, people: SimpleNamespace) -> None:
    with pytest.raises(Invalid):
        await tickets.create_ticket(
            requester=requester,
            service_id=people.wifi.id,
            title='Door',
            photos_in=[PhotoIn(jpeg(), 'ok.jpg'), PhotoIn(b'hello', 'bad.jpg')],
        )
    assert await tickets.Ticket.all().count() == 0


async def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(photos, 'MAX_PIXELS', 1000)
    monkeypatch.setattr(Image, 'MAX_IMAGE_PIXELS', Image.MAX_IMAGE_PIXELS)  # store() sets Pillow's global
    with pytest.raises(Invalid, match='not a photo we can read'):
        await photos.store(PhotoIn(png((100, 100)), 'bomb.png'), keep_location=False)


async def test_a_sideways_phone_photo_is_stored_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: rotate 90° clockwise to view
    buffer = io.BytesIO()
    Image.new('RGB', (800, 600), 'orange').save(buffer, 'JPEG', exif=exif)
    stored = await photos.store(PhotoIn(buffer.getvalue(), 'sideways.jpg'), keep_location=False)
    assert (stored.width, stored.height) == (600, 800)
    with Image.open(photos.path_of(stored.stored_name)) as image:
        assert (image.size, image.getexif().get(0x0112)) == ((600, 800), 1)
    with Image.open(photos.path_of(stored.preview_name)) as preview:
        assert preview.size == (480, 640)
