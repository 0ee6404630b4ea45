"""Where the command line writes: answers to stdout, progress and errors to stderr, JSON lines."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterable
from typing import Any, Optional, TextIO

from ._render import clean

__all__ = ["Console", "LiveView", "terminal_size"]


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def terminal_size(width: Optional[int] = None) -> tuple[int, int]:
    """(columns, lines) of the terminal: `width` when given, else $COLUMNS, else the terminal's, else 80."""
    size = shutil.get_terminal_size((80, 24))
    return (width or size.columns, size.lines)


class Console:
    """The command's output channels.

    Answers go to stdout, exactly as received when stdout is not a terminal (pipes and files get
    the model's bytes); on a terminal, control characters are dropped so that a model cannot move
    the cursor. Notes (routing, progress, credits) and errors go to stderr.
    """

    def __init__(self, *, json_mode: bool = False, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.json = json_mode
        self.tty = _isatty(self.out)
        self._shared_screen = self.tty and _isatty(self.err)
        self._line_open = False
        self.stream: Any = None
        """The stream being read, if any: its request id completes an error raised while reading."""
        self.live: Optional[LiveView] = None

    def text(self, piece: str) -> None:
        """A piece of an answer, written (and flushed) as it arrives."""
        if self.tty:
            piece = clean(piece)
        if not piece:
            return
        self.out.write(piece)
        self.out.flush()
        self._line_open = not piece.endswith("\n")

    def end_text(self) -> None:
        """End the answer's last line, if it is still open."""
        if self._line_open:
            self.out.write("\n")
            self.out.flush()
            self._line_open = False

    def line(self, text: str = "") -> None:
        """One line on stdout."""
        self.end_text()
        self.out.write((clean(text) if self.tty else text) + "\n")
        self.out.flush()

    def lines(self, lines: Iterable[str]) -> None:
        """Lines on stdout."""
        for text in lines:
            self.line(text)

    def note(self, text: str) -> None:
        """One line of progress on stderr."""
        if self._shared_screen:
            # Both go to the same screen: a note must not land in the middle of an answer's line.
            self.end_text()
        self.err.write(clean(text) + "\n")
        self.err.flush()

    def emit(self, data: Any) -> None:
        """One JSON value on its own line on stdout (`--json`)."""
        self.out.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self) -> None:
        """Leave the terminal tidy: stop a live view, end an open line."""
        if self.live is not None:
            self.live.close()
            self.live = None
        self.end_text()


class LiveView:
    """A block of lines redrawn in place at the bottom of the terminal, at most every `interval` s.

    Each draw moves the cursor back up over the previous block and rewrites it, so the lines must
    not be wider than the terminal (a wrapped line would throw the count off) and the block must
    be shorter than the screen (lines scrolled away cannot be reached).
    """

    def __init__(self, out: TextIO, interval: float = 0.08) -> None:
        self.out = out
        self.interval = interval
        self._drawn = 0
        self._last = 0.0
        self._cursor_hidden = False

    def draw(self, lines: list[str], *, force: bool = False) -> None:
        """Redraw with `lines` (skipped when the last draw was under `interval` ago, unless `force`)."""
        now = time.monotonic()
        if not force and self._drawn and now - self._last < self.interval:
            return
        parts = [self._up()]
        if not self._cursor_hidden:
            parts.append("\x1b[?25l")
            self._cursor_hidden = True
        # Clearing each line before writing it (rather than after) also works for a line that fills
        # the whole width, where the cursor sits in the last column.
        parts.extend(f"\x1b[2K{line}\n" for line in lines)
        parts.append("\x1b[J")
        self.out.write("".join(parts))
        self.out.flush()
        self._drawn = len(lines)
        self._last = now

    def clear(self) -> None:
        """Erase the block (the final output is then printed normally, free to scroll)."""
        self.out.write(self._up() + "\x1b[J")
        self.out.flush()
        self._drawn = 0

    def close(self) -> None:
        """Show the cursor again; the block stays on screen."""
        if self._cursor_hidden:
            self.out.write("\x1b[?25h")
            self.out.flush()
            self._cursor_hidden = False

    def _up(self) -> str:
        return f"\r\x1b[{self._drawn}A" if self._drawn else ""
