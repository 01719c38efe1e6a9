"""The workspace's web application: FastAPI on Starlette, served by uvicorn.

Why FastAPI: request parameters and JSON bodies are validated by pydantic, the library's own
model layer, so the API and the scenario files share one set of models; it writes the OpenAPI
document (``/openapi.json``, browsable at ``/docs``) from the same declarations; and Starlette's
``TestClient`` drives the whole application in-process for the tests. Scenario bodies are still
read by the CLI's own loaders (:mod:`housingcalc.scenarios`), so a bad field gets the CLI's
message, word for word.

Every request passes :class:`Guard` (a plain ASGI middleware) first:

- the ``Host`` header must be a loopback name when the server listens on loopback (a web page
  elsewhere cannot reach the server by DNS rebinding);
- with a token (always off loopback) every request must carry it: the ``?token=`` of the
  printed address (then kept in a same-site cookie), an ``Authorization: Bearer`` header or the
  ``X-Housingcalc-Token`` header;
- a body larger than :data:`MAX_BODY_BYTES` is refused with 413 before it is read;
- every answer carries a Content-Security-Policy that allows nothing from another origin.

Nothing is logged but method, path (no query: a token may be in it), status and duration;
uvicorn's own access log is switched off.
"""

from __future__ import annotations

import logging
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from housingcalc.errors import CollectedErrors, HousingcalcError

#: Largest request body: a register upload plus the form around it.
MAX_BODY_BYTES = 9 * 1024 * 1024

#: The Content-Security-Policy of every answer: this origin only; inline styles for the
#: report's own stylesheet and its SVG charts; no inline script, no eval, no frames.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

TOKEN_COOKIE = "housingcalc_token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1", "testserver")

log = logging.getLogger("housingcalc.serve")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class Guard:
    """Host check, token, body size limit, security headers and a figure-free access log."""

    def __init__(self, app: ASGIApp, *, token: str | None, loopback_only: bool) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only

    def _token_given(self, scope: Scope, headers: dict[str, str]) -> tuple[bool, bool]:
        """(token valid, came in the query string)."""
        assert self.token is not None
        candidates: list[tuple[str, bool]] = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            candidates.append((auth[7:].strip(), False))
        if "x-housingcalc-token" in headers:
            candidates.append((headers["x-housingcalc-token"].strip(), False))
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header counts as none
            cookie = SimpleCookie()
        if TOKEN_COOKIE in cookie:
            candidates.append((cookie[TOKEN_COOKIE].value, False))
        from urllib.parse import parse_qs

        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        for value in query.get("token", []):
            candidates.append((value, True))
        for value, in_query in candidates:
            if secrets.compare_digest(value.encode(), self.token.encode()):
                return True, in_query
        return False, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = _headers(scope)
        status_box = [0]
        set_cookie = False

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                raw = list(message.get("headers", []))
                raw += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                if set_cookie and self.token is not None:
                    raw.append(
                        (
                            b"set-cookie",
                            f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; "
                            "SameSite=Strict".encode(),
                        )
                    )
                message["headers"] = raw
            await send(message)

        try:
            host = _host_name(headers.get("host", ""))
            if self.loopback_only and host not in LOOPBACK_HOSTS:
                await _plain(send_with_headers, 421, f"host {host!r} not served (loopback only)")
                return
            if self.token is not None:
                ok, in_query = self._token_given(scope, headers)
                if not ok:
                    await _plain(
                        send_with_headers,
                        401,
                        "token required: open the address `housingcalc serve` printed (it ends "
                        "in ?token=…), or send the header 'Authorization: Bearer TOKEN'",
                    )
                    return
                set_cookie = in_query
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                await _plain(
                    send_with_headers, 413, f"request too large (limit {MAX_BODY_BYTES} bytes)"
                )
                return
            received = [0]

            async def limited_receive() -> Message:
                message = await receive()
                if message["type"] == "http.request":
                    received[0] += len(message.get("body", b""))
                    if received[0] > MAX_BODY_BYTES:
                        raise _TooLarge
                return message

            try:
                await self.app(scope, limited_receive, send_with_headers)
            except _TooLarge:
                await _plain(
                    send_with_headers, 413, f"request too large (limit {MAX_BODY_BYTES} bytes)"
                )
            except Exception as exc:
                # Starlette has already answered 500 through the app's handler and re-raises;
                # stop it here so no traceback (which may quote a figure) reaches a log
                log.error("internal error on %s: %s", scope.get("path", "?"), type(exc).__name__)
                if status_box[0] == 0:
                    await _plain(send_with_headers, 500, "internal error; this is a bug")
        finally:
            log.info(
                "%s %s %s %.0f ms",
                scope.get("method", "?"),
                scope.get("path", "?"),
                status_box[0],
                (time.perf_counter() - started) * 1000,
            )


def _host_name(host: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]


class _TooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_lines(exc: Exception) -> list[str]:
    """An expected error as the CLI's lines (one line, or one per collected error)."""
    if isinstance(exc, CollectedErrors):
        return exc.lines()
    return [str(exc)]


def _wants_html(request: Request) -> bool:
    return request.url.path.startswith("/ui/") or bool(request.headers.get("hx-request"))


def _error_response(request: Request, status: int, lines: list[str]) -> Response:
    if _wants_html(request):
        from housingcalc.serve.pages import error_fragment

        return error_fragment(request, lines, status)
    return JSONResponse({"error": lines[0] if lines else "", "errors": lines}, status_code=status)


def create_app(*, token: str | None = None, loopback_only: bool = True) -> Any:
    """The application (an ASGI callable): the pages, the API and the guard around them."""
    from housingcalc.reports.household import _version
    from housingcalc.serve import api, pages

    version = _version()

    app = FastAPI(
        title="housingcalc",
        version=version,
        description=(
            "The JSON API behind `housingcalc serve`. It mirrors the CLI: POST /api/run "
            "returns what `housingcalc run --format json` writes. Nothing is stored: every "
            "answer is computed from the request alone."
        ),
        docs_url=None,  # Swagger UI loads its script from a CDN: the CSP forbids that
        redoc_url=None,
    )

    @app.exception_handler(HousingcalcError)
    async def _expected(request: Request, exc: HousingcalcError) -> Response:
        return _error_response(request, 422, error_lines(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        lines = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query"))
            lines.append(f"{where}: {e.get('msg', 'invalid')}")
        return _error_response(request, 422, lines or ["invalid request"])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(request, exc.status_code, [str(exc.detail)])

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        # the type only: an exception's text may hold a household's figures
        log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
        return _error_response(
            request,
            500,
            [f"internal error ({type(exc).__name__}); this is a bug in housingcalc"],
        )

    app.include_router(api.router)
    app.include_router(pages.router)
    api.add_schemas(app)
    guarded = Guard(app, token=token, loopback_only=loopback_only)
    return guarded
