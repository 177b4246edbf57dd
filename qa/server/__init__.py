"""`qa serve`: the engine as an HTTP JSON API, for thin clients (`qa --server URL`).

Why Starlette under uvicorn: the API is a handful of small JSON routes, and Starlette
gives routing, request and response objects and an ASGI lifespan with nothing
else (no validation layer or dependency injection to learn, two small pure
Python dependencies); uvicorn is the reference ASGI server, runs in-process
from `uvicorn.Server` (so `qa serve` is one process holding one store), and
stops cleanly on SIGINT/SIGTERM. The event loop only parses, checks and
answers; every engine call runs in a worker thread.

Threads and engines: an `Engine` is not safe to share across threads (one
SQLite connection, caches of query vectors, term statistics and the vector
matrix that a call may replace). The server therefore holds a small pool of
engines, one per worker thread (`workers`, default: the machine's cores, at
most 4), each used by one thread at a time. A slow question holds one worker;
the others go on answering, and health checks never wait for a worker. Each
engine loads its own query encoder and vector matrix, so memory grows with
`workers`.

Safe by default: the server binds 127.0.0.1; any other address needs a token
(checked by the `qa serve` command), which every request must then send as
`Authorization: Bearer TOKEN` (anything else: 401, and nothing more). Bodies,
questions, histories and `k` are bounded; every refusal is a 4xx with one
line in `{"error": "..."}` (`qa.server.parse`). Ingest is not exposed; the OpenAPI
description (`qa.server.openapi`) is served at /openapi.json.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import queue
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from qa.answer import cable_json
from qa.config import Settings
from qa.errors import EngineError, RetrievalError, missing_paragraph
from qa.server.openapi import OPENAPI
from qa.server.parse import (
    MAX_FILTER_CHARS,
    ApiError,
    json_body,
    parse_ask,
    parse_k,
)

log = logging.getLogger("qa.server")

T = TypeVar("T")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EnginePool:
    """`size` engines and `size` worker threads: each call takes a free engine, so an
    engine is only ever used by one thread at a time."""

    def __init__(self, factory: Callable[[], Any], size: int) -> None:
        self.size = size
        self._engines = [factory() for _ in range(size)]
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for engine in self._engines:
            self._free.put(engine)
        self._executor = ThreadPoolExecutor(size, thread_name_prefix="qa-engine")

    def _run(self, call: Callable[[Any], T]) -> T:
        engine = self._free.get()  # never waits: as many engines as threads
        try:
            return call(engine)
        finally:
            self._free.put(engine)

    async def run(self, call: Callable[[Any], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, call)

    @staticmethod
    async def run_blocking(call: Callable[[], T]) -> T:
        """A call that needs no engine (stats open the ledger on their own): in the loop's
        default threads, so it never waits behind slow questions."""
        return await asyncio.get_running_loop().run_in_executor(None, call)

    def warm(self) -> None:
        """Load every engine's encoder and vectors now: the first questions are not slow."""
        for future in [self._executor.submit(e.warm) for e in self._engines if hasattr(e, "warm")]:
            future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for engine in self._engines:
            engine.close()


class TokenGate:
    """Every request must carry the bearer token; others get 401 and nothing else."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                response = JSONResponse(
                    {"error": "a valid bearer token is required"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    token: str | None = None,
    workers: int | None = None,
    engine_factory: Callable[[], Any] | None = None,
    warm: bool = True,
) -> ASGIApp:
    """The API over a pool of engines on `settings.store`; `engine_factory` replaces
    `Engine(settings)` (tests pass one with a hand-made encoder)."""

    def new_engine() -> Any:
        from qa.engine import Engine

        return Engine(settings)

    state: dict[str, EnginePool] = {}

    def pool() -> EnginePool:
        return state["pool"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engines = EnginePool(engine_factory or new_engine, workers or default_workers())
        if warm:
            await asyncio.get_running_loop().run_in_executor(None, engines.warm)
        state["pool"] = engines
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, engines.close)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "workers": pool().size})

    async def ask(request: Request) -> Response:
        args = parse_ask(await json_body(request))
        question = args.pop("question")
        answer = await pool().run(lambda engine: engine.ask(question, **args))
        return JSONResponse(answer.to_json())

    async def _cable(cable_id: str) -> Any:
        cable_id = cable_id.strip().upper()
        if not cable_id or len(cable_id) > MAX_FILTER_CHARS:
            raise ApiError(404, "no such cable")
        cable = await pool().run(lambda engine: engine.cable(cable_id))
        if cable is None:
            raise ApiError(404, f"{cable_id} is not in the store")
        return cable

    async def _paragraph(request: Request, para: str | None) -> Any:
        """The cable of the path, which must hold paragraph `para` (None: any)."""
        found = await _cable(request.path_params["cable_id"])
        if missing := missing_paragraph(found, para):
            raise ApiError(404, missing)
        return found

    async def cable(request: Request) -> Response:
        para = request.query_params.get("para")
        return JSONResponse(cable_json(await _paragraph(request, para), para))

    async def paragraph(request: Request) -> Response:
        para = request.path_params["para"]
        return JSONResponse(cable_json(await _paragraph(request, para), para))

    async def similar(request: Request) -> Response:
        k = parse_k(request.query_params.get("k"))
        para = request.path_params["para"]
        found = await _paragraph(request, para)
        try:
            near = await pool().run(lambda engine: engine.similar(found.id, para, k=k))
        except EngineError as exc:
            if isinstance(exc, RetrievalError):  # the store failed: a 500, as for a question
                raise
            raise ApiError(404, str(exc)) from None  # a paragraph with no vectors yet
        return JSONResponse(near.to_json())

    async def referencing(request: Request) -> Response:
        found = await _cable(request.path_params["cable_id"])
        refs = await pool().run(lambda engine: engine.referencing(found.id))
        return JSONResponse({"cable_id": found.id, "referencing": [str(r) for r in refs]})

    def _stats() -> dict[str, Any]:
        from embeddings.stats import stats

        return stats(settings.store, settings.chroma_url)

    async def stats(request: Request) -> Response:
        data = await pool().run_blocking(_stats)
        if request.query_params.get("format") == "text":
            from embeddings.stats import format_stats

            return JSONResponse({"text": format_stats(data)})
        return JSONResponse(data)

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    async def failed(request: Request, exc: Exception) -> Response:
        log.exception("request failed: %s %s", request.method, request.url.path)
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return JSONResponse({"error": f"the server failed: {line}"}, status_code=500)

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            Route("/v1/ask", ask, methods=["POST"]),
            Route("/v1/cables/{cable_id}", cable, methods=["GET"]),
            Route("/v1/cables/{cable_id}/paragraphs/{para}", paragraph, methods=["GET"]),
            Route("/v1/cables/{cable_id}/paragraphs/{para}/similar", similar, methods=["GET"]),
            Route("/v1/cables/{cable_id}/referencing", referencing, methods=["GET"]),
            Route("/v1/stats", stats, methods=["GET"]),
        ],
        exception_handlers={HTTPException: refused, Exception: failed},
        lifespan=lifespan,
    )
    return TokenGate(app, token) if token else app


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    workers: int | None = None,
) -> None:
    """Run the API until SIGINT/SIGTERM. A non-loopback `host` needs a `token`."""
    import uvicorn

    if not is_loopback(host) and not token:
        raise ValueError(
            f"binding {host} opens the store to the network: give a token (--token or QA_TOKEN)"
        )
    app = create_app(settings, token=token, workers=workers)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="on"
    )
    uvicorn.Server(config).run()
