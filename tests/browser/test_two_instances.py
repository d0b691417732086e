"""Two real Tapdesk instances (separate processes, different ports) on the CI PostgreSQL, behind Debian's nginx
configured exactly as docs/deploy.md says: live updates, presence, push delivery claimed once, kill -9, and a
cut listener connection, as people behind a proxy would meet them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import psutil
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.async_api import expect

from tests.push_service import BrowserDevice, LocalPushService

from .conftest import PASSWORD, PG, PHONE, ROOT, Server, _server_env
from .test_core_loop import report_from_phone

NGINX = shutil.which('nginx') or ('/usr/sbin/nginx' if os.path.exists('/usr/sbin/nginx') else None)
DEPLOY = ROOT / 'docs' / 'deploy.md'
LIVE = 1000  # ms: a change through one instance shows on the other's open pages within one second


@pytest.fixture(autouse=True)
def _needs_postgres_and_nginx() -> None:
    needed = (('PostgreSQL (TAPDESK_TEST_POSTGRES_URL)', PG), ("Debian's nginx", NGINX))
    missing = [what for what, there in needed if not there]
    if missing and os.environ.get('CI'):
        pytest.fail(f'{" and ".join(missing)} missing in CI: .ci/run installs and starts them.', pytrace=False)
    if missing:
        pytest.skip(f'{" and ".join(missing)} not here')


# ---- the set-up: two instances, one database, one data directory, nginx in front --------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


def nginx_config_from_the_doc() -> str:
    """The ```nginx block of docs/deploy.md, as written there."""
    [block] = re.findall(r'```nginx\n(.*?)```', DEPLOY.read_text(), flags=re.S)
    return block


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / 'cert.pem', folder / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Cluster:
    url: str  # nginx, https
    a: Server
    b: Server
    database: str
    folder: Path
    nginx: subprocess.Popen | None = None
    push: LocalPushService = field(default_factory=LocalPushService)

    def instance(self, name: str) -> Server:
        return {'a': self.a, 'b': self.b}[name]


def start_nginx(folder: Path, a_port: int, b_port: int) -> tuple[subprocess.Popen, str]:
    cert, key = self_signed(folder)
    http, https = free_port(), free_port()
    site = nginx_config_from_the_doc()
    for doc, here in [
        ('127.0.0.1:8081', f'127.0.0.1:{a_port}'),
        ('127.0.0.1:8082', f'127.0.0.1:{b_port}'),
        ('listen 80;', f'listen 127.0.0.1:{http};'),
        ('listen 443 ssl http2;', f'listen 127.0.0.1:{https} ssl http2;'),
        ('/etc/letsencrypt/live/tapdesk.example.org/fullchain.pem', str(cert)),
        ('/etc/letsencrypt/live/tapdesk.example.org/privkey.pem', str(key)),
    ]:
        assert doc in site, f'docs/deploy.md no longer has {doc!r}: change this test with the doc'
        site = site.replace(doc, here)
    temp = folder / 'temp'
    temp.mkdir()
    conf = folder / 'nginx.conf'
    conf.write_text(
        # The workers run as the test's user: pytest's temporary folders are private to it.
        f'daemon off;\n{"user root;" if os.geteuid() == 0 else ""}\nworker_processes 1;\n'
        f'pid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log warn;\n'
        'events { worker_connections 2048; }\n'
        f'http {{\n  include /etc/nginx/mime.types;\n  access_log {folder}/nginx-access.log;\n'
        f'  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n'
        f'  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n'
        f'{site}\n}}\n'
    )
    assert NGINX is not None
    check = subprocess.run([NGINX, '-t', '-c', str(conf), '-e', str(folder / 'nginx-error.log')], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen([NGINX, '-c', str(conf), '-e', str(folder / 'nginx-error.log')])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', https), timeout=0.5):
                return process, f'https://127.0.0.1:{https}'
        except OSError:
            time.sleep(0.05)
    raise RuntimeError((folder / 'nginx-error.log').read_text())


@pytest.fixture
def cluster(tmp_path: Path, seeded: dict[str, str]) -> Iterator[Cluster]:
    assert PG is not None
    name = f'tapdesk_two_{uuid.uuid4().hex[:10]}'
    subprocess.run(['psql', PG, '-qc', f'CREATE DATABASE {name} TEMPLATE {seeded["postgres"]}'], check=True)
    shared = tmp_path / 'shared'  # the shared volume: uploads, secrets, VAPID key
    servers = {}
    for instance in ('a', 'b'):
        env = _server_env(shared)
        env.update(
            TAPDESK_DATABASE_URL=PG.rsplit('/', 1)[0] + f'/{name}',
            TAPDESK_INSTANCE=instance,
            TAPDESK_HTTPS_ONLY='1',
            TAPDESK_PUSH_LEASE_SECONDS='3',  # an instance that died holding work: taken over after 3 s
        )
        servers[instance] = Server(
            url=f'http://127.0.0.1:{free_port()}', env=env, log=tmp_path / f'instance-{instance}.log'
        )
    for server in servers.values():  # started together, as an operator would: they make the first secrets at once
        server.launch()
    for server in servers.values():
        server.wait_ready()
    made = Cluster(url='', a=servers['a'], b=servers['b'], database=name, folder=tmp_path)
    made.nginx, made.url = start_nginx(tmp_path, made.a.port, made.b.port)
    yield made
    made.nginx.terminate()
    made.nginx.wait(10)
    for server in servers.values():
        server.stop()
    subprocess.run(['psql', PG, '-qc', f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'], check=False)


@pytest.fixture
async def push_service(cluster: Cluster) -> AsyncIterator[LocalPushService]:
    await cluster.push.start()
    yield cluster.push
    await cluster.push.stop()


async def through(browser: object, cluster: Cluster, instance: str, email: str, **context: object) -> object:
    """A browser the proxy sends to `instance` (its route cookie says so), signed in as `email`."""
    ctx = await browser.new_context(ignore_https_errors=True, **context)  # type: ignore[attr-defined]
    await ctx.add_cookies([{'name': 'tapdesk_instance', 'value': instance, 'url': cluster.url}])
    page = await ctx.new_page()
    page.set_default_timeout(15_000)
    await page.goto(cluster.url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill(PASSWORD)
    await page.get_by_role('button', name='Sign in').click()
    await page.wait_for_url('**/requests' if email.startswith('alex') else '**/today')
    assert await served_by(page, cluster) == instance
    return page


async def served_by(page: object, cluster: Cluster) -> str:
    """Which instance the proxy sends this browser to, as that instance's /healthz says."""
    answer = await page.request.get(cluster.url + '/healthz')  # type: ignore[attr-defined]
    return str((await answer.json())['instance'])


# ---- live across instances ----------------------------------------------------------------------------


async def test_a_ticket_reported_through_one_instance_shows_live_on_the_other_with_presence(
    browser: object, cluster: Cluster, tmp_path: Path
) -> None:
    sam = await through(browser, cluster, 'b', 'sam@example.com')
    await sam.goto(cluster.url + '/queue')  # type: ignore[attr-defined]
    alex = await through(browser, cluster, 'a', 'alex@example.com', **PHONE)
    number = await report_from_phone(alex, tmp_path, 'Wi-Fi drops in room 3')
    row = sam.get_by_text(f'#{number} Wi-Fi drops in room 3')  # type: ignore[attr-defined]
    await expect(row).to_be_visible(timeout=LIVE)

    await row.click()  # Sam's ticket page, built by instance b
    await alex.goto(f'{cluster.url}/t/{number}')  # type: ignore[attr-defined]
    await alex.get_by_placeholder('Write a reply…').fill('It happens near the window too.')  # type: ignore[attr-defined]
    await alex.get_by_role('button', name='Send').click()  # type: ignore[attr-defined]
    reply = sam.get_by_text('It happens near the window too.')  # type: ignore[attr-defined]
    await expect(reply).to_be_visible(timeout=LIVE)

    # Staff see each other on a ticket, whichever instance each is on.
    priya = await through(browser, cluster, 'a', 'priya@example.com')
    await priya.goto(f'{cluster.url}/t/{number}')  # type: ignore[attr-defined]
    await expect(priya.get_by_text('Sam is viewing')).to_be_visible(timeout=LIVE)  # type: ignore[attr-defined]
    await expect(sam.get_by_text('Priya is viewing')).to_be_visible(timeout=LIVE)  # type: ignore[attr-defined]
    await sam.goto(cluster.url + '/today')  # type: ignore[attr-defined]  # Sam leaves: presence follows
    await expect(priya.get_by_text('Sam is viewing')).to_be_hidden(timeout=LIVE)  # type: ignore[attr-defined]


# ---- push delivery claimed once, and kill -9 --------------------------------------------------------------

QUEUE = """
import asyncio, json, sys
from models import clock, db, outbox
from models.outbox import Kind, PushSubscription
from models.users import User

async def main():
    await db.start()
    try:
        base, keys, first, count = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        alex = await User.get(email='alex@example.com')
        now = clock.now()
        devices = [await PushSubscription.create(user=alex, endpoint=f'{base}/device-{n}', p256dh=keys['p256dh'],
                                                 auth=keys['auth'], created_at=now)
                   for n in range(first, first + count)]
        await outbox.enqueue([(d.id, alex.id) for d in devices],
                             {alex.id: {'title': 'Tapdesk', 'body': 'Your request moved', 'url': '/requests'}},
                             kind=Kind.STATUS, ticket_id=None, now=now)
    finally:
        await db.stop()

asyncio.run(main())
"""


async def queue(cluster: Cluster, device: BrowserDevice, first: int, count: int) -> None:
    """`count` notifications, each to a device of its own (`/push/device-N`), written straight to the outbox."""
    script = await asyncio.create_subprocess_exec(
        sys.executable, '-c', QUEUE, cluster.push.endpoint('').rstrip('/'), json.dumps(device.keys()),
        str(first), str(count), cwd=ROOT, env=cluster.a.env,
    )  # fmt: skip
    assert await script.wait() == 0


def deliveries(service: LocalPushService, device: BrowserDevice, numbers: range) -> Counter[int]:
    """How many times each device in `numbers` received its notification (each one decrypted)."""
    counts: Counter[int] = Counter()
    for message in service.received:
        n = int(message.path.rsplit('-', 1)[1])
        if n in numbers:
            assert device.decrypt(message.body)['body'] == 'Your request moved'
            counts[n] += 1
    return counts


async def states(cluster: Cluster) -> Counter[str]:
    assert PG is not None
    conn = await asyncpg.connect(PG.rsplit('/', 1)[0] + f'/{cluster.database}')
    try:
        rows = await conn.fetch('SELECT state, count(*) AS n FROM push_outbox GROUP BY state')
        return Counter({row['state']: row['n'] for row in rows})
    finally:
        await conn.close()


def ports_of(instance: Server, service: LocalPushService) -> set[int]:
    """The local ports of `instance`'s connections to the push service."""
    assert instance.process is not None
    connections = psutil.Process(instance.process.pid).net_connections(kind='tcp')
    return {c.laddr.port for c in connections if c.raddr and c.raddr.port == service.port}


async def until(condition: object, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f'{what}: not within {within} s', pytrace=False)
        await asyncio.sleep(0.05)


async def test_notifications_go_out_once_and_kill_9_mid_delivery_loses_none_and_sends_none_twice(
    browser: object, cluster: Cluster, push_service: LocalPushService
) -> None:
    device = BrowserDevice(push_service.endpoint('device'))
    alex = await through(browser, cluster, 'a', 'alex@example.com', **PHONE)

    # 500 queued while both instances run: each delivered exactly once.
    await queue(cluster, device, 0, 500)
    await until(lambda: len(push_service.received) >= 500, 60, '500 notifications delivered')
    await asyncio.sleep(1)  # anything sent twice would arrive by now
    first = deliveries(push_service, device, range(0, 500))
    assert set(first) == set(range(500)) and set(first.values()) == {1}
    assert len(push_service.received) == 500

    # 500 more; after 150 the push service stops answering, with both instances mid-batch. Then kill -9 of a.
    push_service.hold(after=150)
    await queue(cluster, device, 500, 500)
    # Each instance finds the new rows on its own (at once, or at its next look, 5 s at most): wait until a has
    # requests held too, so that killing it interrupts its delivery.
    await until(lambda: set(push_service.held_from) & ports_of(cluster.a, push_service), 60, 'a sending, held')
    await asyncio.sleep(1)  # the 150 answered are recorded as sent by whichever instance sent them
    cluster.a.kill()
    await asyncio.sleep(0.5)  # the kernel closes a's connections
    push_service.let_through()
    await until(lambda: len(push_service.received) >= 1000, 60, 'every notification delivered after the kill')
    await asyncio.sleep(1)
    second = deliveries(push_service, device, range(500, 1000))
    assert push_service.dropped, 'a was not sending when it was killed: the test proved nothing'
    assert set(second) == set(range(500, 1000)), 'a notification was lost'
    assert [n for n, times in second.items() if times > 1] == [], 'a notification was sent twice'
    assert await states(cluster) == Counter({'sent': 1000})

    # The browser signed in through a reloads onto b, still signed in.
    await alex.reload()  # type: ignore[attr-defined]
    await expect(alex).to_have_url(re.compile(r'/requests$'))  # not sent to /login
    await expect(alex.get_by_text('My requests').first).to_be_visible()  # type: ignore[attr-defined]
    assert await served_by(alex, cluster) == 'b'


# ---- the listener's connection cut in PostgreSQL -------------------------------------------------------


async def test_a_cut_listener_reconnects_and_open_pages_show_what_they_missed(
    browser: object, cluster: Cluster, tmp_path: Path
) -> None:
    alex = await through(browser, cluster, 'a', 'alex@example.com', **PHONE)
    number = await report_from_phone(alex, tmp_path, 'Printer jams on floor 2')
    sam = await through(browser, cluster, 'b', 'sam@example.com')
    await sam.goto(f'{cluster.url}/t/{number}')  # type: ignore[attr-defined]
    await alex.goto(f'{cluster.url}/t/{number}')  # type: ignore[attr-defined]

    assert PG is not None
    conn = await asyncpg.connect(PG.rsplit('/', 1)[0] + f'/{cluster.database}')
    try:
        cut = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tapdesk bus b'"
        )
    finally:
        await conn.close()
    assert cut == 1
    # Said while b's listener is down: its NOTIFY never reaches b.
    await alex.get_by_placeholder('Write a reply…').fill('Said while b was not listening')  # type: ignore[attr-defined]
    await alex.get_by_role('button', name='Send').click()  # type: ignore[attr-defined]
    # b reconnects and its open pages read again what they show.
    await expect(sam.get_by_text('Said while b was not listening')).to_be_visible(timeout=15_000)  # type: ignore[attr-defined]
    # And live updates resume.
    await alex.get_by_placeholder('Write a reply…').fill('Said after b came back')  # type: ignore[attr-defined]
    await alex.get_by_role('button', name='Send').click()  # type: ignore[attr-defined]
    await expect(sam.get_by_text('Said after b came back')).to_be_visible(timeout=LIVE)  # type: ignore[attr-defined]
