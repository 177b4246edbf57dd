"""A thin client of `qa serve`: the engine's questions and look-ups over HTTP.

It needs no model, no store, no numpy and no torch: only httpx. `RemoteEngine`
has the methods the CLI and the TUI use of `qa.engine.Engine` (`ask`, `cable`,
`similar`, `referencing`, `close`) and returns the same `qa.answer.Answer` and
`Neighbours`, rebuilt from the server's JSON, so front ends render a remote answer
as a local one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from corpus.dates import day_of_iso
from corpus.models import Paragraph, ShownCable
from qa.answer import Answer, Asking, AskOptions, Filters, Neighbours
from qa.errors import ServerError

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass(frozen=True, slots=True)
class RemoteCable(ShownCable[Paragraph]):
    """A cable as the server sends it, in the shape of the ledger's `StoredCable`."""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RemoteCable:
        return cls(
            id=d["id"],
            created=d["created"],
            date=day_of_iso(d["date"]),
            origin=d["origin"],
            classification=d["classification"],
            subject=d["subject"],
            tags=tuple(d["tags"]),
            refs=tuple(d["refs"]),
            classified_by=d.get("classified_by"),
            partial=bool(d["partial"]),
            paragraphs=tuple(Paragraph(**p) for p in d["paragraphs"]),
            date_approximate=bool(d.get("date_approximate")),
        )


def filters_json(filters: Filters | None) -> dict[str, str | bool]:
    if filters is None:
        return {}
    fields = ("since", "until", "origin", "classification", "tag")
    out: dict[str, str | bool] = {name: v for name in fields if (v := getattr(filters, name))}
    if filters.strict_dates:
        out["strict_dates"] = True
    return out


class RemoteEngine:
    """The engine behind `qa serve` at `url`; `token` is sent as a bearer token."""

    def __init__(self, url: str, *, token: str | None = None, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self._token = bool(token)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ServerError(f"the server at {self.url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise ServerError(f"cannot reach the server at {self.url}: {exc}") from None
        if response.status_code == 401:
            if not self._token:
                raise ServerError(f"the server at {self.url} asks for a token: set QA_TOKEN")
            raise ServerError(f"the server at {self.url} refused the token (set QA_TOKEN)")
        return response

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success and body is not None:
            return body
        message = body.get("error") if isinstance(body, dict) else None
        raise ServerError(message or f"the server answered {response.status_code}")

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        """As `Engine.ask`; a server answers in hybrid mode only, and says so for another."""
        opts = Asking(**options)
        if opts.mode != "hybrid":
            raise ServerError(f"a server answers in hybrid mode only, not {opts.mode!r}")
        body: dict[str, Any] = {
            "question": question,
            "k": opts.k,
            "filters": filters_json(opts.filters),
            "history": list(opts.history),
        }
        if opts.infer is False:
            body["infer"] = False
        if opts.facets:
            body["facets"] = True
        return Answer.from_json(self._json(self._call("POST", "/v1/ask", json=body)))

    def cable(self, cable_id: str) -> RemoteCable | None:
        response = self._call("GET", f"/v1/cables/{_segment(cable_id)}")
        if response.status_code == 404:
            return None
        return RemoteCable.from_json(self._json(response))

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours:
        """As `Engine.similar`; what is not stored is a `ServerError` with the server's line."""
        path = f"/v1/cables/{_segment(cable_id)}/paragraphs/{_segment(para)}/similar"
        return Neighbours.from_json(self._json(self._call("GET", path, params={"k": k})))

    def referencing(self, cable_id: str) -> list[str]:
        response = self._call("GET", f"/v1/cables/{_segment(cable_id)}/referencing")
        if response.status_code == 404:
            return []
        return [str(r) for r in self._json(response)["referencing"]]

    def stats(self, *, text: bool = False) -> Any:
        params = {"format": "text"} if text else None
        data = self._json(self._call("GET", "/v1/stats", params=params))
        return data["text"] if text else data

    def health(self) -> dict[str, Any]:
        body: dict[str, Any] = self._json(self._call("GET", "/health"))
        return body

    def warm(self) -> None:
        """The server warms its own engines; this only checks it answers."""
        self.health()

    def close(self) -> None:
        self._http.close()


def _segment(cable_id: str) -> str:
    from urllib.parse import quote

    return quote(cable_id.strip(), safe="")
