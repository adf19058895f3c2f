"""The client's address, as the login throttle (django-axes, ``AXES_CLIENT_IP_CALLABLE``) sees it.

Behind a reverse proxy (deploy/nginx-cxzy.conf) every request comes from the proxy, so
``REMOTE_ADDR`` is the proxy's address. The proxy appends the address it saw to
``X-Forwarded-For``; a client can send that header too, with any addresses it likes. With
``CXZY_PROXY_COUNT=N`` (settings.CXZY_PROXY_COUNT: the number of proxies in front of the
application, 1 for the nginx of deploy/), the client is the N-th address from the right: those N
were written by the proxies, anything further left came from the client and is ignored. Without
it, the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "CXZY_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not through the proxies (a direct connection): the header is not theirs
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
