"""The OpenAPI description of `qa serve`, served at /openapi.json."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.limits import MAX_HISTORY, MAX_K
from qa.server.parse import FILTER_FIELDS


def _schema(properties: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


_ERROR = {"$ref": "#/components/schemas/Error"}
_STR = {"type": "string"}
_K = {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 10}


def _responds(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": ok}}}
    for code in (401, *codes):
        out[str(code)] = {
            "description": "refused (one line in error)",
            "content": {"application/json": {"schema": _ERROR}},
        }
    return out


_CABLE_PARAMS = [{"name": "cable_id", "in": "path", "required": True, "schema": _STR}]
_PARA = {"name": "para", "in": "path", "required": True, "schema": _STR}
_OBJECT = {"schema": {"type": "object"}}


def _cable_get(summary: str, *, para_in: str) -> dict[str, Any]:
    """A GET that answers a cable; `para` is a query or a path parameter."""
    para = _PARA if para_in == "path" else {**_PARA, "in": para_in, "required": False}
    return {
        "get": {
            "summary": summary,
            "parameters": [*_CABLE_PARAMS, para],
            "responses": _responds({"schema": {"$ref": "#/components/schemas/Cable"}}, 404),
        }
    }


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
                    "k": _K,
                    "filters": _schema(
                        {
                            **{name: _STR for name in FILTER_FIELDS},
                            "strict_dates": {"type": "boolean", "default": False},
                        }
                    ),
                    "history": {"type": "array", "items": _STR, "maxItems": MAX_HISTORY},
                    "infer": {"type": "boolean", "default": True},
                },
                ["question"],
            ),
            "Answer": {
                "type": "object",
                "description": "The same object as `qa ask --json`: question, filters "
                "(with inferred, and dates_preferred when dates read from the question "
                "only rank), answered, results (rank, cable_id, paragraph, citation, score, "
                "text, highlight, subject, date, origin, classification, tags, "
                "outside_dates, also: the citations of paragraphs with the same text, "
                "folded into it).",
            },
            "Neighbours": {
                "type": "object",
                "description": "The same object as `qa similar --json`: the source paragraph "
                "(cable_id, paragraph, citation, text, subject, date, origin, classification, "
                "tags) and results as in an Answer, each also with same_text (its text "
                "is the source's).",
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
        "/v1/cables/{cable_id}": _cable_get(
            "A stored cable (with ?para=N, one paragraph)", para_in="query"
        ),
        "/v1/cables/{cable_id}/paragraphs/{para}": _cable_get(
            "One paragraph of a stored cable", para_in="path"
        ),
        "/v1/cables/{cable_id}/paragraphs/{para}/similar": {
            "get": {
                "summary": "The paragraphs of other cables closest to this one (more like this)",
                "parameters": [
                    *_CABLE_PARAMS,
                    _PARA,
                    {"name": "k", "in": "query", "required": False, "schema": _K},
                ],
                "responses": _responds(
                    {"schema": {"$ref": "#/components/schemas/Neighbours"}}, 404, 422
                ),
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
