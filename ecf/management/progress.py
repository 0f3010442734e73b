"""Progress of a long command: a bar redrawn in place on a terminal, plain periodic lines otherwise
(logs, CI, a scheduler), so output stays readable wherever the command runs."""

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class Progress:
    def __init__(self, stream: OutputWrapper, *, total: int | None = None, unit: str = "rows") -> None:
        self.stream = stream
        self.total = total
        self.unit = unit
        self.drawn = False

    def update(self, done: int, stage: str = "") -> None:
        text = f"{done:,}{f' of {self.total:,}' if self.total else ''} {self.unit} {stage}".rstrip()
        if not self.stream.isatty():
            self.stream.write(text, style_func=lambda line: line)
            return
        bar = ""
        if self.total:
            filled = BAR_WIDTH * min(done, self.total) // self.total
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
        self.stream.write(f"\r{bar}{text}", ending="", style_func=lambda line: line)
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        """End the bar's line on a terminal, so what follows starts on a new one."""
        if self.drawn:
            self.stream.write("")
            self.drawn = False
