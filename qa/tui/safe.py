"""What the TUI shows outside its widgets, made inert: errors and notifications.

Notifications carry cable metadata (a subject copied, an origin or TAG in the
filter summary) and error messages from a store or a server. Textual parses a
notification as markup by default, so `[@click=app.quit]` in a cable would be a
live action; `PlainApp.notify` is the one place every notification (the app's and
every widget's, which Textual routes through the app) passes: never markup, always
`corpus.display.shown`.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from corpus.display import shown, shown_line
from corpus.errors import CableQAError


class PlainApp(App[None]):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """`App.notify` with the text inert, whatever `markup` a caller passes."""
        super().notify(
            shown(message),
            title=shown_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )


def describe_error(exc: BaseException) -> str:
    """One line for a notification: the message people can act on, not a traceback; an
    exception the project does not raise on purpose is named as the bug it is."""
    text = shown_line(str(exc)) or type(exc).__name__
    if not isinstance(exc, (CableQAError, OSError)):
        text = f"this is a bug, please report it: {type(exc).__name__}: {text}"
    return text if len(text) <= 300 else text[:297] + "…"
