"""A row of small widgets that wraps onto further lines, as words do, instead of
scrolling sideways out of sight at 80 columns."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.layouts.horizontal import HorizontalLayout
from textual.widget import Widget


class FlowLayout(HorizontalLayout):
    """Children left to right, each as wide as its content; one that would cross the right
    edge starts the next line. A line is as tall as its tallest child."""

    name = "flow"

    def arrange(
        self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True
    ) -> ArrangeResult:
        row = super().arrange(parent, children, size, greedy)
        placements: list[WidgetPlacement] = []
        x = y = height = 0
        for placement in row:
            region, margin = placement.region, placement.margin
            width = region.width + margin.left + margin.right
            if x and size.width and x + width > size.width:
                x, y, height = 0, y + height, 0
            placements.append(
                placement._replace(
                    region=Region(x + margin.left, y + margin.top, region.width, region.height)
                )
            )
            x += width
            height = max(height, region.height + margin.top + margin.bottom)
        return placements


class Flow(Widget):
    """A container whose children flow and wrap (`FlowLayout`)."""

    DEFAULT_CSS = """
    Flow {
        height: auto;
    }
    """

    def render(self) -> Content:
        return Content("")  # never the class name, which Textual shows for a bare Widget

    def __init__(self, *children: Widget, classes: str | None = None) -> None:
        super().__init__(*children, classes=classes)
        self._flow = FlowLayout()

    @property
    def layout(self) -> Layout:
        """What arranges the children (Textual reads this; CSS names only its own layouts)."""
        return self._flow
