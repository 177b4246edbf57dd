"""Read diplomatic cables, in every format users hold, into `Cable` values."""

from corpus.models import Cable, Paragraph, ReadError

__all__ = ["Cable", "Paragraph", "ReadError", "read"]


def __getattr__(name: str) -> object:
    # `read` lives with the format readers; imported lazily to keep `import corpus` light.
    if name == "read":
        from corpus.formats import read

        return read
    raise AttributeError(name)
