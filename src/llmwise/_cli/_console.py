"""Where the command line writes: answers to stdout, progress and errors to stderr, JSON lines."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any, Optional, TextIO

from ._render import clean, fit

__all__ = ["Console", "LiveView", "Waiting", "terminal_size", "progress_wanted"]

PROGRESS_ENV = "LLMWISE_PROGRESS"
"""`1` shows the waiting indicator and retry notices even when stderr is not a terminal; `0` never."""


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def progress_wanted(err: TextIO) -> bool:
    """Whether to show the waiting indicator and retry notices on `err`.

    Only on a terminal: escape codes would litter a log file. `LLMWISE_PROGRESS=1` forces them on
    (tests, `script` sessions), `0` off; `LLMWISE_LOG=debug|info` turns them off, since its log lines
    share stderr and would cut into the indicator's line.
    """
    forced = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if forced in ("1", "true", "yes", "on", "always"):
        return True
    if forced in ("0", "false", "no", "off", "never"):
        return False
    if os.environ.get("LLMWISE_LOG", "").strip().lower() in ("debug", "info"):
        return False
    return _isatty(err)


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

    def __init__(
        self,
        *,
        json_mode: bool = False,
        out: Optional[TextIO] = None,
        err: Optional[TextIO] = None,
        progress: Optional[bool] = None,
    ) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.json = json_mode
        self.tty = _isatty(self.out)
        self._shared_screen = self.tty and _isatty(self.err)
        self._line_open = False
        self.stream: Any = None
        """The stream being read, if any: its request id completes an error raised while reading."""
        self.live: Optional[LiveView] = None
        self.progress = progress_wanted(self.err) if progress is None else progress
        """Whether the waiting indicator and retry notices are shown (on stderr)."""
        self._waiting: Optional[Waiting] = None

    def wait(self, label: str) -> None:
        """Show `waiting for <label>` on stderr until the first output (when `progress` is on)."""
        if not self.progress or self._waiting is not None:
            return
        self._waiting = Waiting(self.err, label, width=terminal_size()[0])
        self._waiting.start()

    def stop_waiting(self) -> None:
        """Erase the waiting indicator, if shown: called before anything else is written."""
        if self._waiting is not None:
            self._waiting.stop()
            self._waiting = None

    def progress_note(self, text: str) -> None:
        """A line of progress (a retry notice) on stderr, only when `progress` is on.

        It may come from the transport while the indicator is spinning: the indicator's line is
        replaced by the note, and the indicator goes on below it.
        """
        if not self.progress:
            return
        if self._waiting is not None:
            self._waiting.note(clean(text))
        else:
            self.note(text)

    def text(self, piece: str) -> None:
        """A piece of an answer, written (and flushed) as it arrives."""
        self.stop_waiting()
        if self.tty:
            piece = clean(piece)
        if not piece:
            return
        self.out.write(piece)
        self.out.flush()
        self._line_open = not piece.endswith("\n")

    def end_text(self) -> None:
        """End the answer's last line, if it is still open."""
        self.stop_waiting()
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
        self.stop_waiting()
        if self._shared_screen:
            # Both go to the same screen: a note must not land in the middle of an answer's line.
            self.end_text()
        self.err.write(clean(text) + "\n")
        self.err.flush()

    def emit(self, data: Any) -> None:
        """One JSON value on its own line on stdout (`--json`)."""
        self.stop_waiting()
        self.out.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.out.flush()

    def error_json(self, data: Any) -> None:
        """An error as one JSON object on its own line on stderr (`--json`)."""
        self.close()
        self.err.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.err.flush()

    def close(self) -> None:
        """Leave the terminal tidy: erase the waiting indicator, stop a live view, end an open line."""
        self.stop_waiting()
        if self.live is not None:
            self.live.close()
            self.live = None
        self.end_text()


class Waiting:
    """`- waiting for gpt-5.2 (3 s)` on one line of stderr, redrawn by a thread until `stop()`.

    Each frame rewrites the line in place (carriage return, erase line), so the line is cut to the
    terminal's width: a wrapped line could not be erased. `stop()` erases it, leaving the cursor at
    the start of an empty line, so whatever is written next starts clean.
    """

    FRAMES = "-\\|/"

    def __init__(self, err: TextIO, label: str, *, width: int = 80, interval: float = 0.1) -> None:
        self.err = err
        self.label = label
        self.width = max(width - 1, 10)  # the last column would wrap on some terminals
        self.interval = interval
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._frame = 0
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="llmwise-waiting", daemon=True)

    def start(self) -> None:
        """Draw the first frame now (so that even a quick answer is announced), then keep drawing."""
        with self._lock:
            self._draw()
        self._thread.start()

    def note(self, text: str) -> None:
        """Print `text` on a line of its own, above the indicator."""
        with self._lock:
            self.err.write("\r\x1b[2K" + text + "\n")
            self._draw()

    def stop(self) -> None:
        """Stop drawing and erase the line."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
            try:
                self.err.write("\r\x1b[2K")
                self.err.flush()
            except (OSError, ValueError):  # stderr went away: nothing to tidy
                pass
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            with self._lock:
                if self._stopped.is_set():
                    return
                self._frame += 1
                self._draw()

    def _draw(self) -> None:
        # Called with the lock held.
        elapsed = int(time.monotonic() - self._started)
        spinner = self.FRAMES[self._frame % len(self.FRAMES)]
        line = fit(f"{spinner} waiting for {self.label}" + (f" ({elapsed} s)" if elapsed else ""), self.width)
        try:
            self.err.write("\r\x1b[2K" + line)
            self.err.flush()
        except (OSError, ValueError):  # stderr closed under us: stop drawing
            self._stopped.set()


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
