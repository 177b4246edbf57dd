"""What a `qa serve` request may hold, checked, and a stored cable as JSON: every
refusal is an `ApiError`, a 4xx with one line."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from qa.answer import Filters
from qa.limits import MAX_HISTORY, MAX_K, check_question

MAX_BODY = 64 * 1024
"""Bytes a request body may hold: a question, a history and filters fit many times over."""

FILTER_FIELDS = ("since", "until", "origin", "classification", "tag")
MAX_FILTER_CHARS = 200


class ApiError(HTTPException):
    """A refused request: its status and one line for `{"error": ...}`."""


async def json_body(request: Request) -> dict[str, Any]:
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
    unknown = set(body) - {"question", "k", "filters", "history", "infer", "facets"}
    if unknown:
        raise ApiError(422, f"unknown field {sorted(unknown)[0]!r}")
    if "question" not in body:
        raise ApiError(422, "question is required")
    try:
        question = check_question(_text(body["question"], "question", 10 * MAX_BODY))
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    k = check_k(body.get("k", 10))
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
    facets = body.get("facets", False)
    if not isinstance(facets, bool):
        raise ApiError(422, "facets must be true or false")
    return {
        "question": question,
        "k": k,
        "filters": parse_filters(body.get("filters") or {}),
        "history": tuple(earlier),
        "infer": None if infer else False,
        "facets": facets,
    }


def check_k(k: Any) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise ApiError(422, f"k must be an integer from 1 to {MAX_K}")
    return k


def parse_k(given: str | None) -> int:
    """`k` from a query string (absent: 10); digits only, so "1e3" and "-1" are refused."""
    if given is None:
        return 10
    given = given.strip()
    return check_k(int(given) if given.isascii() and given.isdigit() and len(given) < 9 else None)


def parse_filters(given: Any) -> Filters:
    from qa.dates import parse_option

    if not isinstance(given, dict):
        raise ApiError(422, "filters must be a JSON object")
    unknown = set(given) - {*FILTER_FIELDS, "strict_dates"}
    if unknown:
        raise ApiError(422, f"unknown filter {sorted(unknown)[0]!r}")
    strict_dates = given.get("strict_dates", False)
    if not isinstance(strict_dates, bool):
        raise ApiError(422, "strict_dates must be true or false")
    values: dict[str, str] = {}
    for name, value in given.items():
        if (
            name in FILTER_FIELDS
            and value is not None
            and (text := _text(value, name, MAX_FILTER_CHARS).strip())
        ):
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
        strict_dates=strict_dates,
    )
