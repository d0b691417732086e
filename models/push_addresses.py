"""Push addresses come from the browser, so from the user: check them before Tapdesk ever POSTs there.

Only known push services (TAPDESK_PUSH_HOSTS), over https on the standard port, on public addresses (a name
that also resolves to an inside address is refused whole); keys of the right shape; a readable device label.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import re
import socket
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from . import settings
from .errors import Invalid

MAX_ENDPOINT = 1024
LOOPBACK_HOSTS = ('127.0.0.1', 'localhost', '::1')
DNS_TIMEOUT = 3.0


async def check_endpoint(url: str) -> str:
    """Refuse anything but a known push service on a public address (the server will POST there)."""
    host, port = endpoint_host(url)
    addresses = await resolve(host, port)
    check_addresses(host, addresses)
    return url.strip()


def endpoint_host(url: str) -> tuple[str, int]:
    """The checks that need no network: scheme, form, allow-list. Returns (host, port)."""
    url = (url or '').strip()
    if not url or len(url) > MAX_ENDPOINT:
        raise Invalid('This browser sent no usable push address.', field='endpoint')
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or '').lower(), parts.port
    except ValueError:
        raise Invalid('This browser sent a push address that is not a web address.', field='endpoint') from None
    if not host or parts.username or parts.password or parts.fragment:
        raise Invalid('This browser sent a push address that is not a web address.', field='endpoint')
    loopback = _dev_loopback(host)
    if parts.scheme != 'https' and not (loopback and parts.scheme == 'http'):
        raise Invalid('Push addresses must be secure (https).', field='endpoint')
    if not loopback:
        if port not in (None, 443):
            raise Invalid('Push services answer on the standard https port (443).', field='endpoint')
        if not host_allowed(host):
            raise Invalid(
                f'{host} is not a push service Tapdesk sends to. Use Chrome, Edge, Firefox or Safari, or ask your '
                'administrator to add it to TAPDESK_PUSH_HOSTS.',
                field='endpoint',
            )
    return host, port or (443 if parts.scheme == 'https' else 80)


def host_allowed(host: str) -> bool:
    for pattern in settings.settings.push_hosts:
        if host == pattern or (pattern.startswith('*.') and host.endswith(pattern[1:])):
            return True
    return False


async def resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), DNS_TIMEOUT)
    except (OSError, TimeoutError):
        raise Invalid(f'The push service {host} could not be found; try again later.', field='endpoint') from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_addresses(host: str, addresses: list[str]) -> None:
    """Every address must be public (a name that also resolves to an inside address is refused whole)."""
    if not addresses:
        raise Invalid(f'The push service {host} could not be found; try again later.', field='endpoint')
    for address in addresses:
        if not address_allowed(host, address):
            raise Invalid(
                f'{host} points to a private or local address ({address}); Tapdesk only sends to public push services.',
                field='endpoint',
            )


def address_allowed(host: str, address: str) -> bool:
    ip = ipaddress.ip_address(address.split('%', 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if _dev_loopback(host):
        return ip.is_loopback
    return ip.is_global and not ip.is_multicast


def _dev_loopback(host: str) -> bool:
    return settings.settings.push_allow_loopback and host.strip('[]') in LOOPBACK_HOSTS


def check_keys(keys: dict[str, str]) -> tuple[str, str]:
    """A P-256 public key (65 bytes) and a 16-byte auth secret, base64url, as browsers send them."""
    p256dh, auth = (keys or {}).get('p256dh') or '', (keys or {}).get('auth') or ''
    try:
        raw_key, raw_auth = _b64(p256dh), _b64(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
    except ValueError:
        raw_key, raw_auth = b'', b''
    if len(raw_key) != 65 or len(raw_auth) != 16:
        raise Invalid('This browser sent push keys Tapdesk cannot use.', field='endpoint')
    return p256dh.rstrip('='), auth.rstrip('=')


def _b64(value: str) -> bytes:
    if not re.fullmatch(r'[A-Za-z0-9_-]+=*', value):
        raise ValueError('not base64url')
    return base64.urlsafe_b64decode(value + '=' * (-len(value) % 4))


_BROWSERS = [('Edg', 'Edge'), ('SamsungBrowser', 'Samsung Internet'), ('Firefox', 'Firefox'), ('FxiOS', 'Firefox')]
_BROWSERS += [('OPR', 'Opera'), ('CriOS', 'Chrome'), ('Chrome', 'Chrome'), ('Safari', 'Safari')]
_SYSTEMS = [('iPhone', 'iPhone'), ('iPad', 'iPad'), ('Android', 'Android'), ('Windows', 'Windows')]
_SYSTEMS += [('Mac OS X', 'Mac'), ('CrOS', 'Chromebook'), ('Linux', 'Linux')]


def device_label(user_agent: str) -> str:
    """ "Chrome on Android": enough to tell your devices apart on the settings page."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), 'Browser')
    system = next((name for key, name in _SYSTEMS if key in user_agent), '')
    return f'{browser} on {system}' if system else browser
