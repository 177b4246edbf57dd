"""The whole cable around a hit: header, TAGs explained, every ¶, and its references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from corpus.dates import iso_day, shown_day
from corpus.display import shown, shown_line
from corpus.models import Paragraph, ShownCable
from corpus.tags import describe_tag
from qa.answer import Hit, Neighbours
from qa.tui.serial import SerialEngine
from qa.tui.widgets.result_card import HIGHLIGHT_STYLE


@dataclass(frozen=True, slots=True)
class CableView:
    """What the viewer shows, loaded off the UI thread."""

    cable: ShownCable[Paragraph]
    refs_in_store: tuple[str, ...]
    refs_missing: tuple[str, ...]
    referencing: tuple[str, ...]


def load_view(engine: SerialEngine, cable_id: str) -> CableView | None:
    cable = engine.cable(cable_id)
    if cable is None:
        return None
    present = tuple(r for r in cable.refs if engine.cable(r) is not None)
    missing = tuple(r for r in cable.refs if r not in present)
    return CableView(cable, present, missing, tuple(engine.referencing(cable.id)))


def para_id(number: str) -> str:
    """A widget id for a ¶ number (numbers may carry suffixes such as "4b")."""
    return "para-" + "".join(ch if ch.isalnum() else "_" for ch in number)


def header_content(cable: ShownCable[Paragraph]) -> Content:
    meta = " · ".join(
        shown_line(v)
        for v in (shown_day(cable.date, cable.date_approximate), cable.origin, cable.classification)
        if v
    )
    parts: list[str | tuple[str, str]] = [
        (cable.id, "bold $text-accent"),
        "  ",
        (shown_line(cable.subject) or "(no subject)", "bold"),
        "\n",
        (meta, "$text-muted"),
    ]
    if cable.classified_by:
        parts += ["\n", ("Classified by: ", "$text-muted"), shown_line(cable.classified_by)]
    if cable.partial:
        parts += ["\n", ("Partial extract of the original cable.", "italic $text-warning")]
    if cable.tags:
        parts += ["\n", ("TAGS: ", "$text-muted")]
        for i, tag in enumerate(cable.tags):
            meaning = describe_tag(tag)
            parts += [", " if i else "", (shown_line(tag), "bold")]
            if meaning:
                parts.append(f" ({meaning})")
    return Content.assemble(*parts)


def paragraph_content(para: Paragraph, hit: Hit | None) -> Content:
    label = f"¶{para.number}" if para.numbered else f"[{para.number}]"
    mark = f" ({shown_line(para.mark)})" if para.mark else ""
    text = shown(para.text)
    parts: list[str | tuple[str, str] | Content] = []
    if para.heading:
        parts += [(shown_line(para.heading), "bold underline"), "\n"]
    parts += [(label, "bold $text-accent"), (mark, "$text-muted"), " "]
    if hit is not None and hit.text == para.text and 0 <= hit.highlight[0] < hit.highlight[1]:
        start, end = hit.highlight
        parts += [text[:start], (text[start:end], HIGHLIGHT_STYLE), text[end:]]
    else:
        parts.append(text)
    return Content.assemble(*parts)


class RefButton(Button):
    """A referenced or referencing cable; disabled when the store lacks it."""

    def __init__(self, cable_id: str, present: bool) -> None:
        super().__init__(Content(cable_id), compact=True, disabled=not present, classes="ref")
        self.cable_id = cable_id


class CableScreen(Screen[None]):
    """Reads one cable, scrolled to the cited ¶; n/p step through the answer's hits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("n", "step(1)", "Next hit"),
        Binding("p", "step(-1)", "Prev hit"),
        Binding("c", "copy", "Copy citation"),
        Binding("r", "references", "References"),
        Binding("m", "more_like_this", "More like this"),
    ]

    class Loaded(Message):
        def __init__(self, cable_id: str, view: CableView | None) -> None:
            super().__init__()
            self.cable_id = cable_id
            self.view = view

    class Failed(Message):
        def __init__(self, error: str, title: str = "Could not open the cable") -> None:
            super().__init__()
            self.error = error
            self.title = title

    class Neighboured(Message):
        """`Engine.similar` answered for one paragraph of this cable."""

        def __init__(self, found: Neighbours) -> None:
            super().__init__()
            self.found = found

    def __init__(
        self,
        engine: SerialEngine,
        cable_id: str,
        paragraph: str | None = None,
        hits: tuple[Hit, ...] = (),
    ) -> None:
        super().__init__(classes="cable-screen")
        self.engine = engine
        self.cable_id = cable_id
        self.paragraph = paragraph
        self.hits = hits
        self.view: CableView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(f"Loading {self.cable_id}…"), id="cable-header")
        yield VerticalScroll(id="cable-body")
        yield Footer()

    def on_mount(self) -> None:
        self.load(self.cable_id)

    @property
    def current_hit(self) -> Hit | None:
        for hit in self.hits:
            if hit.cable_id == self.cable_id and hit.paragraph == self.paragraph:
                return hit
        return None

    @work(thread=True, exclusive=True, group="cable")
    def load(self, cable_id: str) -> None:
        try:
            view = load_view(self.engine, cable_id)
        except Exception as exc:  # any store failure is shown, never fatal
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Loaded(cable_id, view))

    def on_cable_screen_failed(self, message: Failed) -> None:
        self.notify(shown_line(message.error), title=message.title, severity="error")

    async def on_cable_screen_loaded(self, message: Loaded) -> None:
        if message.view is None:
            self.notify(f"{message.cable_id} is not in the store.", severity="warning")
            self.query_one("#cable-header", Static).update(
                Content(f"{message.cable_id} is not in the store.")
            )
            return
        self.view = message.view
        self.cable_id = message.view.cable.id
        await self.render_view(message.view)

    async def render_view(self, view: CableView) -> None:
        self.query_one("#cable-header", Static).update(header_content(view.cable))
        body = self.query_one("#cable-body", VerticalScroll)
        await body.remove_children()
        hit = self.current_hit
        widgets: list[Static | Vertical] = []
        for para in view.cable.paragraphs:
            marked = para.number == self.paragraph
            widgets.append(
                Static(
                    paragraph_content(para, hit if marked else None),
                    id=para_id(para.number),
                    classes="para marked" if marked else "para",
                )
            )
        widgets.append(self.refs_section(view))
        await body.mount_all(widgets)
        # after the next refresh: scrolling before layout uses stale sizes
        self.call_after_refresh(self.scroll_to_paragraph)

    def refs_section(self, view: CableView) -> Vertical:
        refs = [RefButton(r, True) for r in view.refs_in_store]
        refs += [RefButton(r, False) for r in view.refs_missing]
        backrefs = [RefButton(r, True) for r in view.referencing]
        return Vertical(
            Static(Content("References (REF)"), classes="refs-title"),
            Horizontal(*refs, classes="refs") if refs else Static(Content("none"), classes="none"),
            Static(Content("Referenced by"), classes="refs-title"),
            Horizontal(*backrefs, classes="refs")
            if backrefs
            else Static(Content("none in the store"), classes="none"),
            id="references",
        )

    def scroll_to_paragraph(self) -> None:
        if self.paragraph is None:
            return
        matches = self.query(f"#{para_id(self.paragraph)}")
        if matches:
            target = matches.first()
            self.query_one("#cable-body", VerticalScroll).scroll_to_widget(
                target, animate=False, top=True
            )

    async def action_step(self, step: int) -> None:
        if not self.hits:
            return
        current = self.current_hit
        index = self.hits.index(current) if current in self.hits else -1
        target = self.hits[(index + step) % len(self.hits)]
        self.paragraph = target.paragraph
        if target.cable_id == self.cable_id and self.view is not None:
            await self.render_view(self.view)
        else:
            self.cable_id = target.cable_id
            self.load(target.cable_id)

    def action_copy(self) -> None:
        hit = self.current_hit
        if self.view is None:
            return
        cable = self.view.cable
        para = f" ¶{self.paragraph}" if self.paragraph else ""
        subject = shown_line(hit.subject if hit else cable.subject)
        text = f"{cable.id}{para}, “{subject}”, {iso_day(cable.date)}, {shown_line(cable.origin)}"
        self.app.copy_to_clipboard(text)
        self.notify(text, title="Copied")

    def action_more_like_this(self) -> None:
        """The paragraphs of other cables closest to the marked ¶ (else the first), the
        closest opened at its paragraph; n/p then step through the others."""
        if self.view is None or not self.view.cable.paragraphs:
            return
        para = self.paragraph or self.view.cable.paragraphs[0].number
        self.notify(f"Looking for paragraphs like {self.view.cable.id} ¶{para}…")
        self.find_similar(self.view.cable.id, para)

    @work(thread=True, exclusive=True, group="similar")
    def find_similar(self, cable_id: str, para: str) -> None:
        try:
            found = self.engine.similar(cable_id, para)
        except Exception as exc:  # shown, never fatal
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}", "More like this failed"))
            return
        self.post_message(self.Neighboured(found))

    def on_cable_screen_neighboured(self, message: Neighboured) -> None:
        found = message.found
        if not found.hits:
            self.notify(f"No other cable has a paragraph like {found.source.citation}.")
            return
        first = found.hits[0]
        self.app.push_screen(CableScreen(self.engine, first.cable_id, first.paragraph, found.hits))
        n = len(found.hits)
        self.notify(
            f"{n} paragraph{'s' if n != 1 else ''} like {found.source.citation}: "
            f"{first.citation} first; n/p for the others, Esc to go back."
        )

    def action_references(self) -> None:
        self.query_one("#cable-body", VerticalScroll).scroll_to_widget(
            self.query_one("#references"), animate=False, top=True
        )

    @on(RefButton.Pressed)
    def open_ref(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, RefButton)
        self.app.push_screen(CableScreen(self.engine, event.button.cable_id))
