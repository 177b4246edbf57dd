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
line in `{"error": "..."}`. Ingest is not exposed.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import queue
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from qa.answer import Filters
from qa.config import Settings
from qa.limits import MAX_HISTORY, MAX_K, check_question

log = logging.getLogger("qa.server")

T = TypeVar("T")

MAX_BODY = 64 * 1024
"""Bytes a request body may hold: a question, a history and filters fit many times over."""

FILTER_FIELDS = ("since", "until", "origin", "classification", "tag")
MAX_FILTER_CHARS = 200


class ApiError(HTTPException):
    """A refused request: its status and one line for `{"error": ...}`."""


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


async def _json_body(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise ApiError(413, f"the request body is over {MAX_BODY:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, f"the request body is over {MAX_BODY:,} bytes")
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the request body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return body


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be a string")
    if len(value) > limit:
        raise ApiError(422, f"{name} is over {limit:,} characters")
    return value


def parse_ask(body: dict[str, Any]) -> dict[str, Any]:
    """The engine's arguments from an ask request, or ApiError with one line."""
    unknown = set(body) - {"question", "k", "filters", "history", "infer"}
    if unknown:
        raise ApiError(422, f"unknown field {sorted(unknown)[0]!r}")
    if "question" not in body:
        raise ApiError(422, "question is required")
    try:
        question = check_question(_text(body["question"], "question", 10 * MAX_BODY))
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    k = body.get("k", 10)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise ApiError(422, f"k must be an integer from 1 to {MAX_K}")
    history = body.get("history", [])
    if not isinstance(history, list) or len(history) > MAX_HISTORY:
        raise ApiError(422, f"history must be a list of at most {MAX_HISTORY} questions")
    try:
        earlier = [check_question(_text(h, "history", 10 * MAX_BODY)) for h in history]
    except ValueError as exc:
        raise ApiError(422, f"history: {exc}") from None
    infer = body.get("infer", True)
    if not isinstance(infer, bool):
        raise ApiError(422, "infer must be true or false")
    return {
        "question": question,
        "k": k,
        "filters": parse_filters(body.get("filters") or {}),
        "history": tuple(earlier),
        "infer": None if infer else False,
    }


def parse_filters(given: Any) -> Filters:
    from qa.dates import parse_option

    if not isinstance(given, dict):
        raise ApiError(422, "filters must be a JSON object")
    unknown = set(given) - set(FILTER_FIELDS)
    if unknown:
        raise ApiError(422, f"unknown filter {sorted(unknown)[0]!r}")
    values: dict[str, str] = {}
    for name, value in given.items():
        if value is not None and (text := _text(value, name, MAX_FILTER_CHARS).strip()):
            values[name] = text
    for name in ("since", "until"):
        if name in values:
            try:
                values[name] = parse_option(values[name], end=name == "until")
            except ValueError:
                shown = values[name]
                raise ApiError(422, f"{name}: {shown!r} is not a date (YYYY-MM-DD)") from None
    return Filters(
        since=values.get("since"),
        until=values.get("until"),
        origin=values.get("origin"),
        classification=values.get("classification"),
        tag=values["tag"].upper() if "tag" in values else None,
    )


def cable_json(cable: Any, para: str | None = None) -> dict[str, Any]:
    """A stored cable as JSON; with `para`, only that paragraph."""
    d = str(cable.date).zfill(8)
    return {
        "id": cable.id,
        "created": cable.created,
        "date": f"{d[:4]}-{d[4:6]}-{d[6:]}",
        "date_approximate": bool(getattr(cable, "date_approximate", False)),
        "origin": cable.origin,
        "classification": cable.classification,
        "subject": cable.subject,
        "tags": list(cable.tags),
        "refs": list(cable.refs),
        "classified_by": cable.classified_by,
        "partial": bool(cable.partial),
        "paragraphs": [
            {
                "number": p.number,
                "text": p.text,
                "mark": p.mark,
                "heading": p.heading,
                "numbered": bool(p.numbered),
            }
            for p in cable.paragraphs
            if para is None or p.number == para
        ],
    }


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
        args = parse_ask(await _json_body(request))
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

    async def cable(request: Request) -> Response:
        found = await _cable(request.path_params["cable_id"])
        para = request.query_params.get("para")
        if para is not None and para not in {p.number for p in found.paragraphs}:
            raise ApiError(404, f"{found.id} has no paragraph ¶{para}")
        return JSONResponse(cable_json(found, para))

    async def paragraph(request: Request) -> Response:
        found = await _cable(request.path_params["cable_id"])
        para = request.path_params["para"]
        if para not in {p.number for p in found.paragraphs}:
            raise ApiError(404, f"{found.id} has no paragraph ¶{para}")
        return JSONResponse(cable_json(found, para))

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


def _schema(properties: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


_ERROR = {"$ref": "#/components/schemas/Error"}
_STR = {"type": "string"}


def _responds(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": ok}}}
    for code in (401, *codes):
        out[str(code)] = {
            "description": "refused (one line in error)",
            "content": {"application/json": {"schema": _ERROR}},
        }
    return out


_CABLE_PARAMS = [{"name": "cable_id", "in": "path", "required": True, "schema": _STR}]
_OBJECT = {"schema": {"type": "object"}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "cable-qa",
        "version": "1",
        "description": "Questions over diplomatic cables, answered with cited paragraphs. "
        "Off loopback every request needs `Authorization: Bearer TOKEN`.",
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": _schema({"error": _STR}, ["error"]),
            "AskRequest": _schema(
                {
                    "question": {"type": "string", "maxLength": 10_000},
                    "k": {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 10},
                    "filters": _schema({name: _STR for name in FILTER_FIELDS}),
                    "history": {"type": "array", "items": _STR, "maxItems": MAX_HISTORY},
                    "infer": {"type": "boolean", "default": True},
                },
                ["question"],
            ),
            "Answer": {
                "type": "object",
                "description": "The same object as `qa ask --json`: question, filters "
                "(with inferred), answered, results (rank, cable_id, paragraph, citation, "
                "score, text, highlight, subject, date, origin, classification, tags).",
            },
            "Cable": {
                "type": "object",
                "description": "id, created, date, date_approximate, origin, classification, "
                "subject, tags, refs, classified_by, partial, paragraphs (number, text, mark, "
                "heading, numbered).",
            },
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/health": {"get": {"summary": "The server is up", "responses": _responds(_OBJECT)}},
        "/v1/ask": {
            "post": {
                "summary": "Answer a question with ranked, cited paragraphs",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AskRequest"}}
                    },
                },
                "responses": _responds(
                    {"schema": {"$ref": "#/components/schemas/Answer"}}, 400, 413, 422
                ),
            }
        },
        "/v1/cables/{cable_id}": {
            "get": {
                "summary": "A stored cable (with ?para=N, one paragraph)",
                "parameters": [
                    *_CABLE_PARAMS,
                    {"name": "para", "in": "query", "required": False, "schema": _STR},
                ],
                "responses": _responds({"schema": {"$ref": "#/components/schemas/Cable"}}, 404),
            }
        },
        "/v1/cables/{cable_id}/paragraphs/{para}": {
            "get": {
                "summary": "One paragraph of a stored cable",
                "parameters": [
                    *_CABLE_PARAMS,
                    {"name": "para", "in": "path", "required": True, "schema": _STR},
                ],
                "responses": _responds({"schema": {"$ref": "#/components/schemas/Cable"}}, 404),
            }
        },
        "/v1/cables/{cable_id}/referencing": {
            "get": {
                "summary": "Stored cables whose REF lines cite this one",
                "parameters": _CABLE_PARAMS,
                "responses": _responds(_OBJECT, 404),
            }
        },
        "/v1/stats": {
            "get": {
                "summary": "What the store holds (as `qa stats --json`; ?format=text: "
                "{text} as `qa stats` prints it)",
                "responses": _responds(_OBJECT),
            }
        },
        "/openapi.json": {"get": {"summary": "This description", "responses": _responds(_OBJECT)}},
    },
}
