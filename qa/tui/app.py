"""The cable-qa TUI: a conversation with the engine, and a reader for the cables it cites.

Every engine call runs in a thread worker that posts a message back, so the
interface stays live while the model loads or a question runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from qa.answer import Filters
from qa.config import Settings
from qa.limits import check_question
from qa.tui.commands import CableIdProvider
from qa.tui.messages import AnswerReady, AskFailed, AskSuperseded, EngineFailed, EngineReady
from qa.tui.ports import EngineLike
from qa.tui.safe import PlainApp, describe_error
from qa.tui.saved import Saved, load, new_id, save, session_path
from qa.tui.screens.cable_viewer import CableScreen
from qa.tui.screens.filters import FiltersScreen
from qa.tui.screens.help import HelpScreen
from qa.tui.screens.open_cable import OpenCableScreen
from qa.tui.serial import SerialEngine
from qa.tui.session import (
    Turn,
    citation_line,
    describe_filters,
    export_path,
    narrowed,
    session_markdown,
    summary,
    with_strict_dates,
    without,
)
from qa.tui.widgets.question_input import QuestionInput
from qa.tui.widgets.result_card import ResultCard
from qa.tui.widgets.status_bar import StatusBar
from qa.tui.widgets.turn_view import TurnView

WELCOME = (
    "Ask a question about the cables in the store, in plain words. "
    "Each answer cites the paragraphs that answer it; Enter on a result opens the cable. "
    "Press ? for the keys."
)


class CableQAApp(PlainApp):
    CSS_PATH = "app.tcss"
    TITLE = "cable-qa"
    COMMANDS: ClassVar = App.COMMANDS | {CableIdProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "filters", "Filters"),
        Binding("ctrl+o", "open_cable", "Open ID"),
        Binding("ctrl+t", "strict_dates", "Strict dates"),
        Binding("ctrl+s", "export", "Export"),
        Binding("ctrl+n", "new_conversation", "New", show=False),
        Binding("question_mark", "help", "Keys"),
        Binding("f1", "help", "Keys", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        engine: EngineLike | None = None,
        export_dir: Path | None = None,
        k: int = 10,
        session: Path | None = None,  # the file the conversation is kept in (`qa.tui.saved`)
        fresh: bool = False,  # start a new session there, not the last one kept
    ) -> None:
        super().__init__()
        self.settings = settings
        self.engine: SerialEngine | None = SerialEngine(engine) if engine else None
        self._owns_engine = engine is None  # an injected engine is closed by its owner
        self._engine_lock = threading.Lock()
        self.export_dir = export_dir if export_dir is not None else Path.cwd()
        self.k = k
        self.turns: list[Turn] = []
        self.session = session
        self.restored = load(session) if session is not None and not fresh else Saved()
        self.session_id = new_id()  # this TUI's session in the file, beside other TUIs'
        self.filters: Filters = self.restored.filters
        self.history = list(self.restored.history)  # this conversation's, for follow-ups

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="¶")
        transcript = VerticalScroll(id="transcript")
        transcript.can_focus = False  # Tab goes between the input and the results
        with transcript:
            yield Static(Content(WELCOME), id="welcome")
        yield StatusBar(Content(""), id="status-bar")
        yield QuestionInput(id="question")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#question", QuestionInput).focus()
        await self.restore(self.restored.turns)
        if self.engine is None:
            self.set_status("Loading the model and the store…", "loading")
            self.load_engine()
        else:
            self.set_status("", "ready")

    async def restore(self, turns: tuple[Turn, ...]) -> None:
        """The saved conversation's turns, shown as they were answered."""
        if turns:
            self.query_one("#welcome").remove()
        for turn in turns:
            view = TurnView(turn)
            await self.query_one("#transcript", VerticalScroll).mount(view)
            if turn.answer is not None:
                await view.show_answer(turn.answer)
            elif turn.error is not None:
                view.show_error(turn.error)
            else:  # superseded by the next question before it was answered
                view.show_cancelled()
            self.turns.append(turn)

    def use_filters(self, filters: Filters) -> None:
        """The filters for the next questions, shown and kept with the session at once."""
        self.filters = filters
        self.set_status(*self._state_note())
        self.save_session()

    def save_session(self) -> None:
        if self.session is not None:
            saved = Saved(tuple(self.turns), tuple(self.history), self.filters)
            save(self.session, saved, self.session_id, replaces=self.restored.id)

    def set_status(self, note: str, state: str) -> None:
        self.query_one("#status-bar", StatusBar).show(note, state, self.filters)

    def _state_note(self) -> tuple[str, str]:
        if self.engine is None:
            return "Loading the model and the store…", "loading"
        return "", "ready"

    # -- engine ---------------------------------------------------------------------------

    def _ensure_engine(self) -> SerialEngine:
        """Open the engine once; called from worker threads only."""
        with self._engine_lock:
            if self.engine is None:
                from qa.engine import Engine

                engine = Engine(self.settings)
                engine.warm()  # the model loads here, not on the first question
                self.engine = SerialEngine(engine)
            return self.engine

    @work(thread=True, exclusive=True, group="engine")
    def load_engine(self) -> None:
        try:
            self._ensure_engine()
        except Exception as exc:  # shown as a notification; asking retries
            self.post_message(EngineFailed(describe_error(exc)))
            return
        self.post_message(EngineReady())

    def on_engine_ready(self, _: EngineReady) -> None:
        self.set_status("", "ready")

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.set_status("The store could not be opened.", "failed")
        self.notify(message.error, title="Could not open the store", severity="error")

    # -- asking ---------------------------------------------------------------------------

    @on(QuestionInput.Submitted, "#question")
    def submitted(self, event: QuestionInput.Submitted) -> None:
        try:  # the same check as `qa ask` and `qa serve`; the text stays in the box
            question = check_question(event.value)
        except ValueError as exc:
            if event.value.strip():
                self.notify(str(exc), severity="warning")
            return
        box = self.query_one("#question", QuestionInput)
        box.remember(question)
        box.value = ""
        self.ask(question, self.filters)

    def ask(self, question: str, filters: Filters, *, infer: bool = True) -> None:
        """Add a turn to the transcript and run it; a running question is superseded."""
        given = None if filters.is_empty() and not filters.strict_dates else filters
        turn = Turn(len(self.turns) + 1, question, given, infer=infer)
        history = tuple(self.history)
        self.turns.append(turn)
        self.history.append(question)
        transcript = self.query_one("#transcript", VerticalScroll)
        for welcome in self.query("#welcome"):
            welcome.remove()
        view = TurnView(turn)
        transcript.mount(view)
        self.call_after_refresh(transcript.scroll_to_widget, view, animate=False, top=True)
        self.run_question(turn, history)

    @work(thread=True, exclusive=True, group="ask")
    def run_question(self, turn: Turn, history: tuple[str, ...]) -> None:
        worker = get_current_worker()
        try:
            engine = self._ensure_engine()
            if worker.is_cancelled:
                self.post_message(AskSuperseded(turn))
                return
            answer = engine.ask(turn.question, **turn.options(k=self.k, history=history))
        except Exception as exc:  # every failure becomes a notification
            self.post_message(AskFailed(turn, describe_error(exc)))
            return
        if worker.is_cancelled:
            self.post_message(AskSuperseded(turn))
        else:
            self.post_message(AnswerReady(turn, answer))

    def _turn_view(self, turn: Turn) -> TurnView | None:
        views = self.query(f"#turn-{turn.number}")
        view = views.first() if views else None
        return view if isinstance(view, TurnView) else None

    def _record(self, turn: Turn) -> None:
        self.turns[turn.number - 1] = turn
        self.save_session()

    async def on_answer_ready(self, message: AnswerReady) -> None:
        view = self._turn_view(message.turn)
        if view is None:
            return
        await view.show_answer(message.answer)
        self._record(view.turn)
        self.set_status(*self._state_note())
        transcript = self.query_one("#transcript", VerticalScroll)
        self.call_after_refresh(transcript.scroll_to_widget, view, animate=False, top=True)

    def on_ask_failed(self, message: AskFailed) -> None:
        view = self._turn_view(message.turn)
        if view is not None:
            view.show_error(message.error)
            self._record(view.turn)
        self.set_status(*self._state_note())
        self.notify(message.error, title="The question failed", severity="error")

    def on_ask_superseded(self, message: AskSuperseded) -> None:
        view = self._turn_view(message.turn)
        if view is not None:
            view.show_cancelled()

    @on(TurnView.FilterRemoved)
    def filter_removed(self, event: TurnView.FilterRemoved) -> None:
        """Ask the same question again without the removed restriction."""
        answer = event.turn.answer
        if answer is None:
            return
        if event.name == "dates":  # not removed: strict dates become preferred, or back
            self.reask(event.turn, strict=not answer.filters.strict_dates)
            return
        if event.name in dict(describe_filters(self.filters)):
            self.use_filters(without(self.filters, event.name))
        self.ask(event.turn.question, without(answer.filters, event.name), infer=False)

    @on(TurnView.FacetChosen)
    def facet_chosen(self, event: TurnView.FacetChosen) -> None:
        """Narrow the next questions to a period, post or TAG of an answer's best cables."""
        self.use_filters(narrowed(self.filters, event.name, event.value))
        self.notify(f"Filters for the next questions: {summary(self.filters)} (Ctrl+F to change)")

    def action_strict_dates(self) -> None:
        """Dates read from the next questions exclude other cables, or only rank them again;
        a latest answer whose dates only ranked is asked again with them strict."""
        strict = not self.filters.strict_dates
        self.use_filters(with_strict_dates(self.filters, strict))
        latest = self.turns[-1] if self.turns else None
        if strict and latest and latest.answer and latest.answer.filters.dates_preferred:
            self.notify("Dates strict: asking again without cables from other dates.")
            self.reask(latest, strict=True)
        else:
            how = "exclude other cables (Ctrl+T: off)" if strict else "only rank the cables"
            self.notify(f"Dates read from the next questions {how}.")

    def reask(self, turn: Turn, *, strict: bool) -> None:
        """`turn`'s question again, its dates strict or preferred, its other filters kept."""
        filters = with_strict_dates(turn.filters or Filters(), strict)
        self.ask(turn.question, filters, infer=turn.infer)

    # -- reading --------------------------------------------------------------------------

    @on(ResultCard.Open)
    def open_hit(self, event: ResultCard.Open) -> None:
        if self.engine is None:
            return
        self.push_screen(
            CableScreen(self.engine, event.hit.cable_id, event.hit.paragraph, event.answer.hits)
        )

    def open_cable(self, cable_id: str, paragraph: str | None = None) -> None:
        if self.engine is None:
            self.notify("The store is still opening; try again in a moment.", severity="warning")
            return
        self.push_screen(CableScreen(self.engine, cable_id, paragraph))

    def action_open_cable(self) -> None:
        def opened(cable_id: str | None) -> None:
            if cable_id:
                self.open_cable(cable_id)

        self.push_screen(OpenCableScreen(), opened)

    # -- actions --------------------------------------------------------------------------

    def action_filters(self) -> None:
        def chosen(filters: Filters | None) -> None:
            if filters is not None:
                self.use_filters(filters)
                self.notify(f"Filters for the next questions: {summary(filters) or 'none'}")

        self.push_screen(FiltersScreen(self.filters), chosen)

    def action_copy_citation(self) -> None:
        focused = self.focused
        if not isinstance(focused, ResultCard):
            self.notify("Focus a result first (Tab or click).", severity="warning")
            return
        text = citation_line(focused.hit)
        self.copy_to_clipboard(text)
        self.notify(text, title="Copied")

    def action_export(self) -> None:
        if not self.turns:
            self.notify("Nothing to export yet.", severity="warning")
            return
        path = export_path(self.export_dir)
        try:
            path.write_text(session_markdown(self.turns), encoding="utf-8")
        except OSError as exc:
            self.notify(describe_error(exc), title="Export failed", severity="error")
            return
        self.notify(str(path), title="Session exported")

    def action_new_conversation(self) -> None:
        self.history.clear()
        self.save_session()
        self.notify("New conversation: follow-ups start afresh.")

    def action_focus_results(self) -> None:
        """From the input, Tab lands on the first result of the latest answer."""
        cards = self.query(ResultCard)
        latest = [c for c in cards if c.answer is cards.last().answer] if cards else []
        if latest:
            latest[0].focus()
        else:
            self.screen.focus_next()

    def action_focus_question(self) -> None:
        self.query_one("#question", QuestionInput).focus()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for title, what, action in (
            ("Open cable by ID", "Read a cable from the store", self.action_open_cable),
            ("Filters", "Dates, origin, classification, TAG", self.action_filters),
            ("Strict dates", "A question's date excludes other cables", self.action_strict_dates),
            ("Copy citation", "Copy the focused citation", self.action_copy_citation),
            ("Export session", "Write the session as Markdown", self.action_export),
            ("New conversation", "Forget earlier questions", self.action_new_conversation),
            ("Keys", "Show the keys", self.action_help),
        ):
            yield SystemCommand(title, what, action)
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        if self.engine is not None and self._owns_engine:
            self.engine.close()


def run(settings: Settings, *, engine: EngineLike | None = None, new: bool = False) -> None:
    """Entry point for `qa tui`; `engine`: one already open (a `qa serve` client), whose
    session is kept in memory only. A local store's session goes on unless `new`, which
    starts one beside the kept ones (other TUIs' sessions are not lost)."""
    path = None if engine is not None else session_path(settings.store)
    CableQAApp(settings, engine=engine, session=path, fresh=new).run()
