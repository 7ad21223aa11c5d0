"""The free-text ``active_years`` of a scheme, read as a span of years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_YEAR = r"(?:19|20)\d\d"
_MONTH = (
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"(?:/(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)?\s+)?"
)
_RANGE = re.compile(
    rf"(?<!\d)({_YEAR})\s*(?:[-–—]|\bto\b(?:\s+at\s+least)?)\s*{_MONTH}({_YEAR}|\d\d)(?!\d)(/\d\d(?!\d))?"
    rf"(\s+and\s+later|\s+onwards)?",
    re.I,
)
_OPEN_START = re.compile(
    rf"(?:\b(?:from|since)\s+{_MONTH}({_YEAR})(?!\d)(?!\s*(?:[-–—]|to\b)\s*{_MONTH}\d))"
    rf"|(?<!\d)({_YEAR})\s*(?:[-–—]\s*(?:present|today|now|ongoing)\b|[-–—](?!\s*[\w/])|\s+onwards\b|\s+and\s+later\b)",
    re.I,
)
_UNTIL = re.compile(rf"\b(?:until|till|up to|to)\s+{_MONTH}({_YEAR})(?!\d)", re.I)
_SINGLE = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_ONGOING = re.compile(r"\b(?:ongoing|present|to date|since|onwards|to at least|and later)\b", re.I)
# A founding date is a stated start, but says nothing about whether the scheme still runs.
_FOUNDED = re.compile(
    rf"\b(?:founded|established|launched|created)\s+(?:in\s+)?{_MONTH}({_YEAR})(?!\d)", re.I
)
# Years that are not about when the scheme runs.
_NOISE = re.compile(rf"\btarget\s+year\s+{_YEAR}", re.I)


@dataclass(frozen=True)
class ActivePeriod:
    """Envelope of the years in an ``active_years`` text.

    ``start_explicit`` / ``end_explicit`` are true when the bound comes from a
    word that states a boundary ("from 2013", "2014-", "until 2020") rather
    than from the dates of cases that used the scheme.
    """

    start: int | None
    end: int | None
    start_explicit: bool
    end_explicit: bool

    @property
    def label(self) -> str:
        """``"2013–…"`` style span for messages."""
        start = "…" if self.start is None else str(self.start)
        end = "…" if self.end is None else str(self.end)
        return f"{start}–{end}"


# catalogue texts repeat on every request: parse each once
@lru_cache(maxsize=4096)
def parse_active_years(text: str | None) -> ActivePeriod | None:
    """Parse a free-text ``active_years`` into an :class:`ActivePeriod`.

    Understands ranges (``2016-2020``, ``FY1999-2000``, ``2021-2023/24``,
    ``2021 to March 2023``), open starts (``from 2013``, ``since 1981``,
    ``2014-``, ``2013-present``, ``2013 onwards``), ends (``until 2020``) and
    single years; the envelope spans all of them. Returns ``None`` when no year
    can be found.
    """
    if not text:
        return None
    clean = _NOISE.sub(" ", text)
    starts: list[tuple[int, bool]] = []
    ends: list[tuple[int, bool]] = []
    open_end = False
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for m in _RANGE.finditer(clean):
        a = int(m.group(1))
        raw_b = m.group(2)
        b = int(raw_b) if len(raw_b) == 4 else (a // 100) * 100 + int(raw_b)
        if m.group(3):
            b = (b // 100) * 100 + int(m.group(3)[1:])
        if b < a:
            continue
        starts.append((a, False))
        ends.append((b, False))
        if m.group(4) or re.search(r"\bat\s+least\b", m.group(0), re.I):
            open_end = True
        taken.append(m.span())
    for m in _OPEN_START.finditer(clean):
        if not free(m):
            continue
        starts.append((int(m.group(1) or m.group(2)), True))
        open_end = True
        taken.append(m.span())
    for m in _FOUNDED.finditer(clean):
        if not free(m):
            continue
        starts.append((int(m.group(1)), True))
        taken.append(m.span())
    for m in _UNTIL.finditer(clean):
        if not free(m):
            continue
        ends.append((int(m.group(1)), True))
        taken.append(m.span())
    for m in _SINGLE.finditer(clean):
        if not free(m):
            continue
        year = int(m.group(1))
        starts.append((year, False))
        ends.append((year, False))
    if not starts and not ends:
        return None
    if _ONGOING.search(clean):
        open_end = True
    start, start_explicit = min(starts) if starts else (None, False)
    if start is not None:
        start_explicit = any(y == start and e for y, e in starts)
    end: int | None
    if open_end:
        end, end_explicit = None, False
    else:
        end = max(y for y, _ in ends)
        end_explicit = any(y == end and e for y, e in ends)
    # An explicit "until" with no start at all leaves the start open.
    return ActivePeriod(start, end, start_explicit, end_explicit)
