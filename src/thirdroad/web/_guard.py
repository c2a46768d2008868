"""What every response gets and every request is held to.

The ASGI middleware :class:`Guard`, around the whole app:

- the ``Host`` header must name this server: ``localhost``, ``127.0.0.1`` or ``[::1]`` (with or
  without a port), the address the client connected to, or this machine's own name. Anything
  else is refused with 421 before the app sees it: a page on another site whose name was made
  to resolve to 127.0.0.1 (DNS rebinding) sends its own name as Host, so it cannot reach the app;
- a body larger than ``max_body`` bytes is refused with 413 before it is read whole (the
  declared Content-Length is checked first, the bytes actually sent are counted too, so a
  chunked body without a length is cut off as well);
- security headers: a Content-Security-Policy that allows nothing but this server's own
  scripts and styles (and ``data:`` images for the pictures), no framing, no sniffing.

:func:`install_error_handlers` makes every error the app itself answers (an unknown route, a
wrong method, a body that is not UTF-8 or not JSON, a server error) the documented
``{"error": {"kind", "message"}}``, never FastAPI's ``{"detail": ...}``.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from thirdroad.errors import ThirdroadError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
#: The names every request may use for this server, whatever address it listens on.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
#: The error kind of each status the app's routing and body parsing answer with.
KINDS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
         415: "unsupported_media_type", 421: "wrong_host", 500: "internal"}


class TooLarge(ThirdroadError, HTTPException):
    """A request body over the size limit (answered 413). An HTTPException, so that FastAPI,
    reading the body when the limit is passed, hands it on instead of calling it a parse error."""

    def __init__(self, max_body: int) -> None:
        message = f"the request is larger than {max_body:,} bytes"
        ThirdroadError.__init__(self, message)
        HTTPException.__init__(self, 413, message)


def error_body(kind: str, message: str, **details: Any) -> bytes:
    return json.dumps({"error": {"kind": kind, "message": message, **details}}).encode()


def host_name(host: str) -> str:
    """The name in a Host header, lower case, without its port and trailing dot (``[::1]`` keeps
    its brackets); ``""`` if the header is not a name with an optional numeric port."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]") + 1
        name, port = host[:end], host[end:] if end else ":x"
    else:
        name, colon, number = host.partition(":")
        port = colon + number
    if port and not (port.startswith(":") and port[1:].isdigit()):
        return ""
    return name.rstrip(".")


def _own_names() -> set[str]:
    names = {socket.gethostname().lower()}
    with contextlib.suppress(OSError):  # a machine without a resolver still has its host name
        names.add(socket.getfqdn().lower())
    return {name for name in names if name}


class Guard:
    """Host check, size limit and security headers around ``app``. ``hosts`` are further names
    the server answers to (by default: loopback, the address connected to, the machine's name)."""

    def __init__(self, app: ASGIApp, max_body: int, hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = {*LOOPBACK_HOSTS, *_own_names(), *(host_name(h) for h in hosts)}

    def allowed_host(self, scope: Scope, host: str) -> bool:
        name = host_name(host)
        server = scope.get("server")
        if server and name and name == host_name(f"[{server[0]}]" if ":" in server[0] else server[0]):
            return True  # the address the client connected to, as a browser writes it
        return name in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.allowed_host(scope, host):
            port = (scope.get("server") or ("", "PORT"))[1]
            await self._refuse(send, 421, "wrong_host",
                               f"this server does not answer to the name {host[:80] or 'nothing'!r}",
                               hint=f"open it as http://localhost:{port}/ or http://127.0.0.1:{port}/")
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._refuse(send, 413, "too_large", f"the request is larger than {self.max_body:,} bytes")
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise TooLarge(self.max_body)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except TooLarge as exc:  # an app without the handler below
            if not started:
                await self._refuse(send, 413, "too_large", exc.detail)

    async def _refuse(self, send: Send, status: int, kind: str, message: str, **details: Any) -> None:
        body = error_body(kind, message, **details)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------- the app's own errors


def _message(request: Request, exc: HTTPException) -> str:
    """What went wrong, in words (Starlette's details are bare status phrases)."""
    cause = exc.__cause__
    if exc.status_code == 404:
        return f"there is no page or API route {request.url.path!r}"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return f"{request.url.path} does not take {request.method}" + (f"; it takes {allowed}" if allowed else "")
    if isinstance(cause, UnicodeDecodeError):
        return f"the body is not UTF-8 text (byte {cause.start}): send JSON encoded as UTF-8"
    if exc.status_code == 400 and cause is not None:
        return "the body could not be read as JSON: send an object like {\"text\": \"...\"}"
    return str(exc.detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = KINDS.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal")
    return JSONResponse({"error": {"kind": kind, "message": _message(request, exc)}},
                        status_code=exc.status_code, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """A bug: the documented shape, no detail (the traceback goes to the server's log)."""
    return JSONResponse({"error": {"kind": "internal", "message": "something went wrong inside thirdroad"}},
                        status_code=500)


def install_error_handlers(app: Any) -> None:
    """Answer the errors of routing and body parsing (and any bug) as ``{"error": ...}``."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
