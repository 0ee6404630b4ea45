"""Pure text layout for the command line: wrapping, side-by-side columns, tables, numbers.

Nothing here does I/O or reads the terminal: every function takes the width it lays out for, so
the tests call them directly and the command line calls them with the terminal's size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Optional, Union

__all__ = [
    "COLUMN_GAP",
    "MIN_COLUMN_WIDTH",
    "cell_width",
    "clean",
    "fit",
    "wrap",
    "side_by_side",
    "table",
    "number",
]

COLUMN_GAP = " | "
"""What separates two side-by-side columns."""
MIN_COLUMN_WIDTH = 16
"""Narrower than this, side-by-side columns are unreadable: the models are stacked instead."""

# Control characters would move the cursor or recolour the terminal (a model can emit ESC): they
# are dropped from anything laid out for a terminal. Newlines and tabs are handled by `wrap`.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TOKEN = re.compile(r"\s*\S+")


def clean(text: str) -> str:
    """`text` without control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", text)


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes: wide (CJK, emoji) characters take two, combining none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _split_cells(text: str, width: int) -> tuple[str, str]:
    """The longest prefix of `text` fitting in `width` cells (at least one character), and the rest."""
    used = 0
    for i, char in enumerate(text):
        used += cell_width(char)
        if used > width:
            return (text[:i], text[i:]) if i else (text[:1], text[1:])
    return text, ""


def fit(text: str, width: int) -> str:
    """`text` on one line, cut to `width` cells (marked with `...` when there is room for it)."""
    text = " ".join(clean(text).split())
    if cell_width(text) <= width:
        return text
    if width <= 3:
        return _split_cells(text, max(width, 1))[0]
    return _split_cells(text, width - 3)[0] + "..."


def _wrap_line(line: str, width: int) -> list[str]:
    out: list[str] = []
    current = ""
    for token in _TOKEN.findall(line):
        candidate = current + token
        if cell_width(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
            # Indentation is kept at the start of a paragraph only: a wrapped line starts flush.
            token = token.lstrip()
        while cell_width(token) > width:  # a word longer than the line is broken across lines
            head, token = _split_cells(token, width)
            out.append(head)
        current = token
    if current or not out:
        out.append(current)
    return out


def wrap(text: str, width: int) -> list[str]:
    """`text` wrapped into lines of at most `width` cells; line breaks in `text` are kept."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in clean(text).replace("\r", "").expandtabs(4).split("\n"):
        lines.extend(_wrap_line(paragraph.rstrip(), width))
    return lines


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - cell_width(text), 0)


Columns = Union[Mapping[str, str], Sequence[tuple[str, str]]]


def side_by_side(columns: Columns, width: int, height: Optional[int] = None) -> list[str]:
    """Lay out texts side by side, each under its heading, in `width` terminal cells.

    Args:
        columns: heading -> text (a mapping, or (heading, text) pairs), left to right.
        width: the cells available; no returned line is wider.
        height: at most this many lines (a live view that must fit on screen): each column then
            shows the end of its text, where the new words arrive. None: everything.

    When the columns would be narrower than `MIN_COLUMN_WIDTH`, the texts are stacked instead, each
    under a `== heading ==` line.
    """
    pairs = list(columns.items()) if isinstance(columns, Mapping) else list(columns)
    if not pairs:
        return []
    count = len(pairs)
    column = (width - len(COLUMN_GAP) * (count - 1)) // count
    if column < MIN_COLUMN_WIDTH:
        return _stacked(pairs, width, height)
    bodies = [wrap(text, column) for _, text in pairs]
    if height is not None:
        keep = max(height - 2, 0)
        bodies = [body[len(body) - keep :] if keep else [] for body in bodies]
    lines = [
        COLUMN_GAP.join(_pad(fit(heading, column), column) for heading, _ in pairs).rstrip(),
        "-+-".join("-" * column for _ in pairs),
    ]
    for row in range(max(len(body) for body in bodies)):
        cells = (_pad(body[row] if row < len(body) else "", column) for body in bodies)
        lines.append(COLUMN_GAP.join(cells).rstrip())
    return lines if height is None else lines[: max(height, 0)]


def _stacked(pairs: list[tuple[str, str]], width: int, height: Optional[int]) -> list[str]:
    width = max(width, 1)
    # Each model gets an equal share of the height: a heading line, its text, a blank separator.
    share = None if height is None else max((height + 1) // len(pairs) - 2, 0)
    lines: list[str] = []
    for i, (heading, text) in enumerate(pairs):
        if i:
            lines.append("")
        lines.append(fit(f"== {heading} ==", width))
        body = wrap(text, width)
        if share is not None:
            body = body[len(body) - share :] if share else []
        lines.extend(body)
    return lines if height is None else lines[: max(height, 0)]


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    align: str = "",
    width: Optional[int] = None,
) -> list[str]:
    """A plain-text table: a header row, a rule, then the rows, columns two spaces apart.

    Args:
        align: one `<` or `>` per column (default: all left).
        width: when given, the last column is wrapped so that lines fit (it keeps at least 20 cells).
    """
    body = [[clean(cell).replace("\n", " ") for cell in row] for row in rows]
    count = len(headers)
    align = align.ljust(count, "<")
    widths = [max([cell_width(headers[i])] + [cell_width(row[i]) for row in body]) for i in range(count)]
    last_width: Optional[int] = None
    if width is not None:
        room = width - sum(widths[:-1]) - 2 * (count - 1)
        last_width = max(room, 20)
        widths[-1] = min(widths[-1], last_width)

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            gap = " " * max(widths[i] - cell_width(cell), 0)
            parts.append(gap + cell if align[i] == ">" else cell + gap)
        return "  ".join(parts).rstrip()

    lines = [line(headers), line(["-" * w for w in widths])]
    for row in body:
        last = wrap(row[-1], last_width) if last_width is not None else [row[-1]]
        lines.append(line([*row[:-1], last[0]]))
        lines.extend(line([*([""] * (count - 1)), more]) for more in last[1:])
    return lines


def number(value: Union[int, float, None], default: str = "?") -> str:
    """A number without a useless `.0` (credits and latencies may be fractional)."""
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)
