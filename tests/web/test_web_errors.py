"""Every error the web app answers is ``{"error": {"kind", "message", ...}}`` (never FastAPI's
``{"detail": ...}``), and a request whose Host is not this server's name is refused. Raw HTTP
on a socket to a real server, so nothing (no client library) fixes up what is sent."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from thirdroad.reader import read
from thirdroad.web import MAX_BODY


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def raw(base_url: str, head: str, body: bytes | Iterable[bytes] = b"") -> Reply:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` (bytes, or
    pieces sent one by one) on a new connection; the reply, read until the server closes."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head.replace("PORT", str(address.port)).encode("latin-1") + b"\r\n\r\n")
        try:
            for piece in [body] if isinstance(body, bytes) else body:
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent: read its answer
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head_bytes, _, payload = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return Reply(int(lines[0].split()[1]), headers, payload)


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size, _, data = data.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, data = out + data[:n], data[n + 2:]
    return out


def post_head(path: str, host: str = "127.0.0.1:PORT", *extra: str) -> str:
    return "\r\n".join([f"POST {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json",
                        "Connection: close", *extra])


def assert_error_shape(reply: Reply, status: int, kind: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == "application/json"
    data = reply.json()
    assert list(data) == ["error"], data  # no "detail"
    assert data["error"]["kind"] == kind and data["error"]["message"]
    assert "content-security-policy" in reply.headers
    return dict(data["error"])


# ---------------------------------------------------------------- the documented shape


def test_a_chunked_body_of_two_megabytes_is_refused_in_the_error_shape(base_url: str) -> None:
    piece = b'{"text": "' + b"x" * 65_000
    chunks = [f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for _ in range(2_000_000 // len(piece) + 1)]
    reply = raw(base_url, post_head("/api/explain", "127.0.0.1:PORT", "Transfer-Encoding: chunked"),
                [*chunks, b"0\r\n\r\n"])
    error = assert_error_shape(reply, 413, "too_large")
    assert f"{MAX_BODY:,}" in error["message"]


def test_a_body_that_is_not_utf8_is_refused_in_the_error_shape(base_url: str) -> None:
    body = b'{"text": "caf\xe9 \xff"}'
    reply = raw(base_url, post_head("/api/explain", "127.0.0.1:PORT", f"Content-Length: {len(body)}"), body)
    error = assert_error_shape(reply, 400, "bad_request")
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize("body", [b'{"text": "x"', b"text=x", b"[1, 2", b'{"text": "x"}}'])
def test_a_body_that_is_not_json_is_refused_in_the_error_shape(base_url: str, body: bytes) -> None:
    reply = raw(base_url, post_head("/api/explain", "127.0.0.1:PORT", f"Content-Length: {len(body)}"), body)
    error = assert_error_shape(reply, 422, "invalid_request")
    assert "JSON" in error["message"]


@pytest.mark.parametrize("path", ["/api/nothing", "/nothing", "/static/nothing.js", "/api/concepts/adam/more"])
def test_an_unknown_route_is_404_in_the_error_shape(base_url: str, path: str) -> None:
    reply = raw(base_url, f"GET {path} HTTP/1.1\r\nHost: localhost:PORT\r\nConnection: close")
    error = assert_error_shape(reply, 404, "not_found")
    assert path in error["message"]


def test_a_wrong_method_is_405_in_the_error_shape(base_url: str) -> None:
    reply = raw(base_url, "GET /api/explain HTTP/1.1\r\nHost: localhost:PORT\r\nConnection: close")
    error = assert_error_shape(reply, 405, "method_not_allowed")
    assert "GET" in error["message"] and "POST" in error["message"]
    assert reply.headers["allow"] == "POST"
    reply = raw(base_url, post_head("/api/concepts", "localhost:PORT", "Content-Length: 2"), b"{}")
    assert_error_shape(reply, 405, "method_not_allowed")


def test_the_app_s_own_errors_keep_their_kinds(base_url: str) -> None:
    body = b'{"text": "x", "other": 1}'
    reply = raw(base_url, post_head("/api/explain", "localhost:PORT", f"Content-Length: {len(body)}"), body)
    assert_error_shape(reply, 422, "invalid_request")
    reply = raw(base_url, "GET /api/concepts/adma HTTP/1.1\r\nHost: localhost:PORT\r\nConnection: close")
    assert "adam" in assert_error_shape(reply, 404, "unknown_concept")["suggestions"]


# ---------------------------------------------------------------- the Host header


@pytest.mark.parametrize("host", ["evil.example", "evil.example:PORT", "127.0.0.1.evil.example:PORT",
                                  "localhost.evil.example", "127.0.0.2:PORT", "0.0.0.0:PORT",
                                  "localhost:PORT@evil.example", "localhost:x", "[::1", "", "[::1]evil"])
def test_a_foreign_host_is_refused(base_url: str, host: str) -> None:
    for head in (f"GET /api/options HTTP/1.1\r\nHost: {host}\r\nConnection: close",
                 post_head("/api/explain", host, "Content-Length: 15")):
        reply = raw(base_url, head, b'{"text": "y=x"}')
        error = assert_error_shape(reply, 421, "wrong_host")
        assert "localhost" in error["hint"]


def test_a_request_without_host_is_refused(base_url: str) -> None:
    reply = raw(base_url, "GET /api/options HTTP/1.0")
    assert_error_shape(reply, 421, "wrong_host")


@pytest.mark.parametrize("host", ["localhost:PORT", "127.0.0.1:PORT", "[::1]:PORT", "localhost", "127.0.0.1",
                                  "LOCALHOST:PORT", "localhost.:PORT", socket.gethostname()])
def test_this_server_s_own_names_are_served(base_url: str, host: str) -> None:
    reply = raw(base_url, f"GET /api/options HTTP/1.1\r\nHost: {host}\r\nConnection: close")
    assert reply.status == 200 and "surfaces" in reply.json()


@pytest.mark.parametrize(("header", "name"), [
    ("localhost:8000", "localhost"), ("[::1]:8000", "[::1]"), ("[::1]", "[::1]"), ("Example.COM.", "example.com"),
    ("127.0.0.1", "127.0.0.1"), ("a:b", ""), ("[::1]x", ""), ("[::1", ""), ("a:80:90", ""), ("", ""),
])
def test_host_name(header: str, name: str) -> None:
    from thirdroad.web._guard import host_name

    assert host_name(header) == name


def test_a_one_line_document_longer_than_a_file_name_is_read(base_url: str) -> None:
    """A pasted line of 256 to 1,023 characters was tried as a file name first, and the
    system's 'file name too long' was a 500."""
    line = "The loss is $L = " + " + ".join(f"x_{i}" for i in range(60)) + "$."
    assert 256 < len(line) < 1024 and "\n" not in line
    assert len(read(line, format="markdown", progress=False).formulas) == 1
    reply = httpx.post(base_url + "/api/read", json={"text": line}, timeout=60)
    assert reply.status_code == 200 and len(reply.json()["reading"]["formulas"]) == 1
