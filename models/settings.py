"""One settings object, read from the environment (TAPDESK_*) in one place.

Nothing else reads TAPDESK_* variables; every one is listed in the README's settings table
(tests/unit/test_settings_documented.py checks both)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    max_upload_mb: float
    https_only: bool
    demo: bool
    lockout_after: int  # wrong passwords per email from devices not signed in there before
    lockout_per_address: int  # wrong passwords per client address, any email
    lockout_minutes: int
    session_days: int
    reconnect_timeout: float
    push_hosts: tuple[str, ...]  # push services Tapdesk sends to; '*.' matches any subdomain
    push_allow_loopback: bool  # development only: http://127.0.0.1 / localhost push endpoints
    push_worker: bool  # deliver the push outbox from this process
    push_lease_seconds: float  # a batch claimed by an instance that died is sent by another after this
    vapid_private_key: str  # PEM or base64url; empty: generated into data_dir on first start
    vapid_subject: str  # mailto: or https: contact sent to push services
    followups: bool  # run due follow-ups (reminders, auto-resolve) from this process
    map_tiles: str  # tile address template for the map of today's jobs; empty: no map
    map_attribution: str  # credit shown on the map (the tile server's terms ask for it)
    instance: str  # this instance's name for the proxy's route cookie (pages/sticky.py); empty: one instance
    host: str  # `tapdesk serve` defaults
    port: int
    createuser_password: str = field(default='', repr=False)  # `tapdesk createuser` without --password

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / 'uploads'

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def load() -> Settings:
    data_dir = Path(os.environ.get('TAPDESK_DATA_DIR', './data')).resolve()
    default_db = f'sqlite://{data_dir / "tapdesk.sqlite3"}'
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get('TAPDESK_DATABASE_URL', default_db),
        max_upload_mb=float(os.environ.get('TAPDESK_MAX_UPLOAD_MB', '15')),
        https_only=os.environ.get('TAPDESK_HTTPS_ONLY', '0') == '1',
        demo=os.environ.get('TAPDESK_DEMO', '0') == '1',
        lockout_after=int(os.environ.get('TAPDESK_LOCKOUT_AFTER', '20')),
        lockout_per_address=int(os.environ.get('TAPDESK_LOCKOUT_PER_ADDRESS', '10')),
        lockout_minutes=int(os.environ.get('TAPDESK_LOCKOUT_MINUTES', '15')),
        session_days=int(os.environ.get('TAPDESK_SESSION_DAYS', '30')),
        reconnect_timeout=float(os.environ.get('TAPDESK_RECONNECT_TIMEOUT', '60')),
        push_hosts=_hosts(os.environ.get('TAPDESK_PUSH_HOSTS', DEFAULT_PUSH_HOSTS)),
        push_allow_loopback=os.environ.get('TAPDESK_PUSH_ALLOW_LOOPBACK', '0') == '1',
        push_worker=os.environ.get('TAPDESK_PUSH_WORKER', '1') == '1',
        push_lease_seconds=float(os.environ.get('TAPDESK_PUSH_LEASE_SECONDS', '60')),
        vapid_private_key=os.environ.get('TAPDESK_VAPID_PRIVATE_KEY', '').strip(),
        vapid_subject=_subject(os.environ.get('TAPDESK_VAPID_SUBJECT', 'mailto:tapdesk@localhost')),
        followups=os.environ.get('TAPDESK_FOLLOWUPS', '1') != '0',
        map_tiles=os.environ.get('TAPDESK_MAP_TILES', DEFAULT_MAP_TILES).strip(),
        map_attribution=os.environ.get('TAPDESK_MAP_ATTRIBUTION', DEFAULT_MAP_ATTRIBUTION).strip(),
        instance=os.environ.get('TAPDESK_INSTANCE', '').strip(),
        host=os.environ.get('TAPDESK_HOST', '127.0.0.1'),
        port=int(os.environ.get('TAPDESK_PORT', '8080')),
        createuser_password=os.environ.get('TAPDESK_PASSWORD', ''),
    )


DEFAULT_PUSH_HOSTS = (
    'fcm.googleapis.com, updates.push.services.mozilla.com, *.push.services.mozilla.com, *.notify.windows.com, '
    'web.push.apple.com, *.push.apple.com'
)

DEFAULT_MAP_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
DEFAULT_MAP_ATTRIBUTION = '© OpenStreetMap contributors'


def _hosts(value: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in value.split(',') if h.strip())


def _subject(value: str) -> str:
    value = value.strip()
    if not value.startswith(('mailto:', 'https://')):
        raise ValueError(f'TAPDESK_VAPID_SUBJECT must be a mailto: or https: address, not {value!r}.')
    return value


settings = load()


def reload() -> Settings:
    """Re-read the environment (tests and the CLI change it before start-up)."""
    global settings
    settings = load()
    return settings


def secret(name: str) -> str:
    """A secret generated on first use and kept with the data (never committed, never a default).

    `TAPDESK_SECRET_<NAME>` in the environment takes its place: several instances that do not share the data
    directory must be given the same secrets, or a cookie signed by one is refused by the next.
    """
    given = os.environ.get(f'TAPDESK_SECRET_{name.upper()}', '').strip()
    if given:
        if len(given) < 32:
            raise ValueError(f'TAPDESK_SECRET_{name.upper()} is too short: give at least 32 random characters.')
        return given
    path = settings.data_dir / f'{name}.secret'
    if not path.exists():
        write_once(path, secrets.token_urlsafe(48).encode())
    return path.read_text().strip()


def write_once(path: Path, content: bytes) -> None:
    """Create `path` with `content` (readable by its owner only) unless it exists. Instances starting together
    on a shared data directory each try: one wins, the others find its file whole, never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f'.{path.name}.{secrets.token_hex(6)}.tmp')
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(draft, path)  # atomic, and refuses to replace what another instance wrote first
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)
