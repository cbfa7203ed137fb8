"""The web app: the REST API under ``/api`` and the dashboard at ``/``, one FastAPI app.

``create_app(db)`` serves one store. Reads come from :class:`StoreReader` (each run loaded
once, reloaded when the file changes); writes need the bearer token from ``INNOVINDEX_TOKEN``.
Request bodies larger than ``max_upload`` bytes are refused with 413 before they are parsed.
Every error is JSON ``{"detail": "one line"}``: 404 for an unknown run, unit or year, 422 for
invalid parameters or input the engine refuses, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import InnovindexError
from ..report.data import RunNotFound
from ..report.reader import StoreReader

__all__ = ["create_app", "DEFAULT_MAX_UPLOAD"]

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``limit`` bytes, by its Content-Length or,
    for a streamed body, as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send, self.limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return msg

        async def tracking(msg: Message) -> None:
            nonlocal started
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, counted, tracking)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    resp = JSONResponse({"detail": f"request body is over the upload limit of {limit} bytes"}, 413)
    await resp({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - JSONResponse never reads
    return {"type": "http.disconnect"}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:2000]


def create_app(
    db: str | Path,
    *,
    token: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    audits: dict[str, Path] | None = None,
) -> FastAPI:
    """The app serving store ``db``.

    Parameters
    ----------
    db
        The DuckDB store (it may not exist yet: reads then list no runs).
    token
        Bearer token for the write endpoints; default ``$INNOVINDEX_TOKEN``; without one every
        write is refused.
    max_upload
        Largest request body accepted by a write endpoint, in bytes.
    audits
        Run (id or ``latest``) -> an `innovindex audit` output folder: its rank intervals are
        shown with that run (audits are not recorded in the store).
    """
    from ..dbfile import check_store_path
    from . import pages, routes, writes

    app = FastAPI(
        # FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from a CDN; the app works
        # offline, so it serves the schema only (any OpenAPI viewer can open /openapi.json).
        docs_url=None,
        redoc_url=None,
        title="innovindex",
        version=__version__,
        description=(
            "Composite innovation indices recorded in an innovindex store: runs, scores, "
            "profiles, explanations, the framework tree; builds and imports (bearer token)."
        ),
    )
    app.state.reader = StoreReader(check_store_path(db), audits=audits)
    app.state.token = token if token is not None else os.environ.get("INNOVINDEX_TOKEN") or None
    app.state.max_upload = int(max_upload)

    @app.exception_handler(RunNotFound)
    async def _not_found(request: Request, exc: RunNotFound) -> JSONResponse:
        return JSONResponse({"detail": _one_line(str(exc))}, status.HTTP_404_NOT_FOUND)

    @app.exception_handler(InnovindexError)
    async def _invalid(request: Request, exc: InnovindexError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(str(exc))}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        return JSONResponse({"detail": _one_line(msg)}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code, detail = exc.status_code, _one_line(str(exc.detail))
        if code == status.HTTP_400_BAD_REQUEST:  # a malformed body (multipart, JSON): invalid input
            code, detail = status.HTTP_422_UNPROCESSABLE_CONTENT, f"malformed request: {detail}"
        return JSONResponse({"detail": detail}, code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # An unexpected failure (a store I/O error...): one line, no traceback to the client.
        first = _one_line(str(exc).splitlines()[0] if str(exc) else "")
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}: {first}"[:500]}, 500)

    app.include_router(routes.router)
    app.include_router(writes.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, limit=app.state.max_upload)
    return app
