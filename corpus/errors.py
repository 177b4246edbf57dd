"""The project's one error tree, rooted here in the lowest layer so every package
can raise into it.

Everything the project raises on purpose (a file that is not a cable, a missing or
locked store, a model that cannot load, a question the engine cannot run, a bad
evaluation file) is a `CableQAError` whose message is one line a person can act on;
the CLI prints it as is. Any other exception is a bug, and is shown as one.

    CableQAError
    ├── ParseError             corpus: a file or CSV row that is not a readable cable
    ├── StoreError             embeddings.errors: the store is missing, corrupt or locked
    │   ├── ModelMismatchError     built with another model
    │   └── StoreLockedError       another ingest holds the writer lock
    ├── EncoderError           embeddings.errors: a model that cannot be found, loaded or run
    │   └── ExportUnsupportedError the ONNX export cannot reproduce this model
    ├── SettingsError          qa.errors: a setting (flag or QA_* variable) out of range
    ├── EngineError            qa.errors: a question the engine cannot run
    │   └── RetrievalError         the store cannot answer a query (Chroma failed)
    ├── EvalError              qa.errors: an evaluation file that cannot be read
    └── ServerError            qa.errors: a `qa serve` unreachable, refusing, or failing
"""

from __future__ import annotations


class CableQAError(Exception):
    """An expected failure, with a one-line message for the person who caused it."""


class ParseError(CableQAError):
    """A file (or CSV row) that is not a readable cable; `corpus.read` turns it into a
    `ReadError` value."""

    def __init__(
        self, path: str, reason: str, row: int | None = None, *, final: bool = True
    ) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.row = row
        self.final = final
        """The bytes themselves refuse; False where the run's options could read them
        (an undated file with no `--year`): see `corpus.models.ReadError.refused`."""
