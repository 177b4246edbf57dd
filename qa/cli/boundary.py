"""The CLI's error boundary: what the project refuses on purpose (`CableQAError`) and
what the machine refuses (`OSError`) is one line and exit status 1; anything else
is a bug, said in one line with exit status `BUG_EXIT`, and its traceback under
``QA_DEBUG=1``."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import click

from corpus.errors import CableQAError

BUG_EXIT = 70
"""Exit status of a bug (EX_SOFTWARE in sysexits.h): scripts can tell it from a refusal (1)."""


@contextmanager
def one_line_errors() -> Iterator[None]:
    """The boundary: an expected failure is one line on stderr and exit status 1; a bug
    is one line that says so, and exit status `BUG_EXIT`. ``QA_DEBUG=1`` adds the
    traceback to both."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except (CableQAError, OSError) as exc:  # refused on purpose, or the machine failed
        if os.environ.get("QA_DEBUG"):
            raise
        raise click.ClickException(_first_line(exc)) from exc
    except Exception as exc:
        report_bug(exc)
        raise SystemExit(BUG_EXIT) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def report_bug(exc: BaseException) -> None:
    """One line on stderr naming the exception; its traceback first under ``QA_DEBUG``."""
    debug = bool(os.environ.get("QA_DEBUG"))
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    hint = "" if debug else " (QA_DEBUG=1 shows the traceback)"
    click.echo(
        f"Error: this is a bug, please report it{hint}: {type(exc).__name__}: {_first_line(exc)}",
        err=True,
    )
