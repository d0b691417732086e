"""Photos are served only to people who may see their ticket."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from models import db, errors, photos, superusers, tickets

from . import who

_TYPES = {'jpg': 'image/jpeg', 'png': 'image/png', 'webp': 'image/webp', 'gif': 'image/gif'}


def setup(api: FastAPI) -> None:
    @api.get('/files/{attachment_id}/{variant}', include_in_schema=False)
    async def photo(attachment_id: str, variant: str) -> FileResponse:  # the id is checked by models/ids.py
        await db.ready()
        viewer = await who.viewer()
        if viewer is None or variant not in ('preview', 'full'):
            raise HTTPException(404)
        try:
            att = await tickets.attachment_for(viewer, attachment_id)
        except errors.NotFound as e:
            try:  # a superuser helping with the request sees its public photos
                att = await superusers.photo_for(viewer, attachment_id)
            except errors.NotFound:
                raise HTTPException(404) from e
        name = att.preview_name if variant == 'preview' else att.stored_name
        path = photos.path_of(name)
        if not path.is_file():
            raise HTTPException(404)
        return FileResponse(
            path,
            media_type=_TYPES.get(name.rsplit('.', 1)[-1], 'application/octet-stream'),
            headers={'Cache-Control': 'private, max-age=86400', 'X-Content-Type-Options': 'nosniff'},
        )
