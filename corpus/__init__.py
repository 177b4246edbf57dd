"""Read diplomatic cables, in every format users hold, into `Cable` values."""

from typing import TYPE_CHECKING

from corpus.models import Cable, Paragraph, ReadError

if TYPE_CHECKING:  # the type of the lazily imported `read`, for type checkers
    from corpus.formats import read

__all__ = ["Cable", "Paragraph", "ReadError", "read"]


def __getattr__(name: str) -> object:
    # `read` lives with the format readers; imported lazily to keep `import corpus` light.
    if name == "read":
        from corpus.formats import read

        return read
    raise AttributeError(name)
