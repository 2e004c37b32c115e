"""`iurc codec-server`: Temporal's remote codec protocol, so people can read encrypted payloads.

The Temporal Web UI (setting "Codec Server endpoint") and the Temporal CLI
(`--codec-endpoint`, `--codec-auth`) send `POST .../decode` and `POST .../encode` with a
`Payloads` message as protobuf JSON and get the result back in the same form. Only the last
path segment counts, so `http://host:8081/{namespace}/decode` works as well as `/decode`.

Browsers call it cross-origin from the UI, so the UI's origin gets CORS answers (the
preflight carries no credentials); every other request needs `Authorization: Bearer <token>`
when a token is configured. Without a token it only listens on a loopback address.

Loopback alone does not keep web pages out: a page whose own name resolves to 127.0.0.1 (DNS
rebinding) reaches the server as a same-origin site. Its requests still carry that name in
`Host`, so only the server's own names are answered (421 otherwise): the loopback names and
the listen address with the port the request arrived on, and IURC_CODEC_SERVER_HOSTS. And a
page may POST text/plain or a form cross-origin without a preflight, so only
`application/json` bodies in UTF-8 are read (415 otherwise), which no page can send to another
origin without a preflight that only the UI's origin passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
from collections.abc import AsyncIterator, Callable, Collection

import structlog
from aiohttp import hdrs, web
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from iurc.codec import CodecKeyError, EncryptionCodec, UndecryptablePayloadError
from iurc.settings import Settings

log = structlog.get_logger()

DEFAULT_PORT = 8081
MAX_BODY_BYTES = 16 * 1024 * 1024
"""Larger than Temporal's 2 MB payload limit times a page of them: the UI sends many at once."""
ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace"
OPERATIONS = ("encode", "decode")
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
"""How a client on this machine names the server, whatever address it listens on."""
UTF_8 = frozenset({None, "utf-8", "utf8"})


class CodecServerError(Exception):
    """The codec server cannot start as configured; the message says what to set."""


def origins(settings: Settings) -> frozenset[str]:
    """The Web UI origins allowed to call, from the comma-separated setting."""
    return frozenset(
        origin.strip().rstrip("/")
        for origin in settings.codec_server_cors_origin.split(",")
        if origin.strip()
    )


def extra_hosts(settings: Settings) -> frozenset[str]:
    """IURC_CODEC_SERVER_HOSTS: more names it answers to, such as a reverse proxy's."""
    return frozenset(
        name.strip().lower() for name in settings.codec_server_hosts.split(",") if name.strip()
    )


def split_host(header: str) -> tuple[str, int | None]:
    """A Host header as (name in lower case, IPv6 kept in brackets; port or None)."""
    header = header.strip().lower()
    if header.startswith("["):
        name, _, rest = header.partition("]")
        name, port = name + "]", rest.removeprefix(":")
    elif header.count(":") == 1:
        name, port = header.split(":")
    else:
        name, port = header, ""
    return name, int(port) if port.isdigit() else None


def served_names(listen_host: str) -> frozenset[str]:
    """The loopback names, and the listen address unless it is a wildcard."""
    if listen_host in ("", "0.0.0.0", "::"):  # noqa: S104 - compared with, not bound to
        return LOOPBACK_NAMES
    name = f"[{listen_host}]" if ":" in listen_host else listen_host.lower()
    return LOOPBACK_NAMES | {name}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_app(
    codec: EncryptionCodec,
    *,
    token: str | None,
    allowed_origins: Collection[str],
    listen_host: str = "127.0.0.1",
    hosts: Collection[str] = (),
) -> web.Application:
    """The aiohttp application: Host check, CORS preflight, bearer check, JSON check, then
    encode or decode. `hosts` are names answered on any port (a reverse proxy's)."""
    own_names = served_names(listen_host)

    def host_allowed(request: web.Request) -> bool:
        name, port = split_host(request.headers.get(hdrs.HOST, ""))
        if name in hosts:
            return True
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        return name in own_names and sockname is not None and port == sockname[1]

    def cors(request: web.Request) -> dict[str, str]:
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is None or origin not in allowed_origins:
            return {hdrs.VARY: hdrs.ORIGIN}
        return {
            hdrs.ACCESS_CONTROL_ALLOW_ORIGIN: origin,
            hdrs.ACCESS_CONTROL_ALLOW_CREDENTIALS: "true",
            hdrs.VARY: hdrs.ORIGIN,
        }

    def authorized(request: web.Request) -> bool:
        if token is None:
            return True
        scheme, _, given = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )

    def preflight(headers: dict[str, str]) -> web.Response:
        if hdrs.ACCESS_CONTROL_ALLOW_ORIGIN not in headers:
            return web.Response(status=403, text="origin not allowed\n", headers=headers)
        headers |= {
            hdrs.ACCESS_CONTROL_ALLOW_METHODS: "POST",
            hdrs.ACCESS_CONTROL_ALLOW_HEADERS: ALLOWED_HEADERS,
            hdrs.ACCESS_CONTROL_MAX_AGE: "600",
        }
        return web.Response(status=200, headers=headers)

    def refusal(
        request: web.Request, operation: str, headers: dict[str, str]
    ) -> web.Response | None:
        if operation not in OPERATIONS:
            return web.Response(status=404, text="POST .../encode or .../decode\n", headers=headers)
        if request.method != hdrs.METH_POST:
            headers[hdrs.ALLOW] = "POST, OPTIONS"
            return web.Response(status=405, text="POST only\n", headers=headers)
        if not authorized(request):
            headers[hdrs.WWW_AUTHENTICATE] = 'Bearer realm="iurc codec"'
            log.warning("codec request refused", operation=operation, reason="bearer token")
            return web.Response(status=401, text="a bearer token is required\n", headers=headers)
        if request.content_type != "application/json" or request.charset not in UTF_8:
            log.warning("codec request refused", operation=operation, reason="content type")
            return web.Response(
                status=415,
                text="POST a JSON body: Content-Type: application/json (UTF-8)\n",
                headers=headers,
            )
        return None

    async def handle(request: web.Request) -> web.Response:
        if not host_allowed(request):
            log.warning("codec request refused", reason="host", host=request.host[:100])
            return web.Response(
                status=421,
                text="this host name is not served here: call the codec server by its own "
                "address (or add the name to IURC_CODEC_SERVER_HOSTS)\n",
            )
        headers = cors(request)
        if request.method == hdrs.METH_OPTIONS:
            return preflight(headers)
        operation = request.path.rstrip("/").rsplit("/", 1)[-1]
        refused = refusal(request, operation, headers)
        if refused is not None:
            return refused
        try:
            received = json_format.Parse((await request.read()).decode("utf-8"), Payloads())
        except (json_format.ParseError, UnicodeDecodeError) as invalid:
            return web.Response(status=400, text=f"not Payloads JSON: {invalid}\n", headers=headers)
        try:
            if operation == "encode":
                converted = await codec.encode(received.payloads)
            else:  # each opened or refused with its reason: a person reads the answer
                converted = [codec.open(payload) for payload in received.payloads]
        except (CodecKeyError, UndecryptablePayloadError) as failed:
            log.warning("codec request failed", operation=operation, error=str(failed))
            return web.Response(status=400, text=f"{failed}\n", headers=headers)
        log.info(
            "codec request",
            operation=operation,
            namespace=request.headers.get("X-Namespace"),
            payloads=len(converted),
        )
        return web.Response(
            text=json_format.MessageToJson(Payloads(payloads=converted)),
            content_type="application/json",
            headers=headers,
        )

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_route("*", "/{path:.*}", handle)
    return app


def app_for(settings: Settings, host: str) -> web.Application:
    """The application for `settings`, or CodecServerError saying why it must not start."""
    ring = settings.key_ring()
    if ring is None:
        raise CodecServerError(
            "IURC_CODEC_KEYS is not set: there is nothing to decode with (the keys must be "
            "those of the worker)"
        )
    token = settings.codec_server_token.get_secret_value() if settings.codec_server_token else None
    if token is None and not is_loopback(host):
        raise CodecServerError(
            f"refusing to serve decrypted payloads on {host} without IURC_CODEC_SERVER_TOKEN: "
            "set a token, or listen on 127.0.0.1"
        )
    return build_app(
        EncryptionCodec(ring),
        token=token,
        allowed_origins=origins(settings),
        listen_host=host,
        hosts=extra_hosts(settings),
    )


@contextlib.asynccontextmanager
async def listening(app: web.Application, *, host: str, port: int) -> AsyncIterator[str]:
    """Serve `app` on host:port for the duration of the block; yields its URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        url = f"http://{host}:{port}"
        log.info("codec server listening", url=url)
        yield url
    finally:
        await runner.cleanup()
        log.info("codec server stopped")


async def serve_codec(
    app: web.Application,
    *,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve `app` on host:port until `stop` is set."""
    async with listening(app, host=host, port=port) as url:
        if on_ready is not None:
            on_ready(url)
        await stop.wait()
