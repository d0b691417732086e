"""Bench-only: N technicians with one push device each, as browsers make them (own P-256 key pair and auth
secret), whose endpoints are a local push service. Used by push_throughput.py in its own process and by
_tapdesk_server.py inside the real server (the live phase)."""

from __future__ import annotations

import os


async def technicians_with_devices(n: int, endpoint: str, *, domain: str = 'example.com') -> int:
    """Adds N technicians `tech<i>@<domain>` and their devices at `<endpoint>/push/<user id>`; returns N."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from models import clock
    from models.notifications import PushSubscription
    from models.users import Role, User
    from tests.push_service import b64

    first = await User.filter(role=Role.TECHNICIAN, email__startswith='tech').count()
    emails = [f'tech{i}@{domain}' for i in range(first, first + n)]
    await User.bulk_create(
        [
            User(
                email=e,
                name=f'Tech {e[4:].split("@")[0]}',
                password_hash='-',
                role=Role.TECHNICIAN,
                created_at=clock.now(),
            )
            for e in emails
        ],
        batch_size=500,
    )
    devices = []
    for user_id in await User.filter(email__in=emails).values_list('id', flat=True):
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        devices.append(
            PushSubscription(
                user_id=user_id,
                endpoint=f'{endpoint}/push/{user_id}',
                p256dh=b64(public),
                auth=b64(os.urandom(16)),
                device='Chrome on Android',
                created_at=clock.now(),
            )
        )
    await PushSubscription.bulk_create(devices, batch_size=500)
    return len(devices)
