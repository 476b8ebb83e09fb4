"""Webhook targets of alert subscriptions: only http(s) URLs whose host resolves to public addresses.

A subscriber's URL is fetched by the platform's own machine, from inside its network: a URL naming the loopback
(``127.0.0.1``, ``[::1]``, ``localhost``, a decimal ``http://2130706433/``), a link-local address (the cloud
metadata service ``169.254.169.254``, ``fe80::/10``), a private network (``10/8``, ``172.16/12``,
``192.168/16``, ``fc00::/7``), an unspecified, shared, reserved or multicast address would let a subscriber make
it post to internal services. The host is resolved (every address it resolves to must be global) when the
subscription is made and again before each send (a name may resolve elsewhere later); redirects are not followed.
``SCN_ALERT_WEBHOOK_ALLOW_PRIVATE`` allows such hosts (a receiver on this machine or the internal network); the
scheme must still be http or https."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests

from scn.settings import settings

SCHEMES = ("http", "https")


class WebhookRefused(ValueError):
    """A webhook URL the platform will not post to; the message says why."""


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: the zone is not part of the address
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    return not ip.is_global or ip.is_multicast


def addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (numeric forms such as ``2130706433`` included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookRefused(f"webhook host {host!r} does not resolve: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def check(url: str) -> str:
    """``url`` when the platform may post to it, else ``WebhookRefused`` naming the URL and the reason."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise WebhookRefused(f"not a webhook URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise WebhookRefused(f"webhook URL {url!r}: only http and https are allowed, not {parts.scheme!r}")
    if not parts.hostname:
        raise WebhookRefused(f"webhook URL {url!r} names no host")
    if settings().alert_webhook_allow_private:
        return url
    found = addresses(parts.hostname, port)
    blocked = [a for a in found if _blocked(a)]
    if blocked or not found:
        raise WebhookRefused(f"webhook URL {url!r}: host {parts.hostname!r} resolves to a loopback, link-local, "
                             f"private or otherwise non-public address ({', '.join(blocked or ['none'])}); set "
                             "SCN_ALERT_WEBHOOK_ALLOW_PRIVATE=true to allow it")
    return url


def post(url: str, payload: dict, timeout: float = 10) -> None:
    """POST ``payload`` as JSON to a checked URL (checked again now), without following redirects; raises
    ``WebhookRefused`` or ``requests.RequestException`` when it is not accepted (2xx)."""
    r = requests.post(check(url), json=payload, timeout=timeout, allow_redirects=False)
    r.raise_for_status()
    if not 200 <= r.status_code < 300:  # a redirect is not followed: the message was not delivered
        raise requests.HTTPError(f"{r.status_code} from {url} (redirects are not followed)", response=r)
