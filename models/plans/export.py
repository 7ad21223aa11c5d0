"""A plan as Markdown and as a Word document (python-docx): the title, then one heading a section,
each line with its source."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from models.plans.draft import PHASE_TITLES


def _lines(section: Mapping[str, Any]) -> list[tuple[str | None, str, str]]:
    """(phase title or None, text, source) in order."""
    return [(PHASE_TITLES.get(ln.get("phase", "")), ln["text"], ln["source"]) for ln in section["lines"]]


def to_markdown(plan: Mapping[str, Any], *, version: int | None = None) -> str:
    out = [f"# {plan['title']}", ""]
    if version is not None:
        out += [f"Version {version}. Each line names its source in brackets.", ""]
    for section in plan["sections"]:
        out += [f"## {section['title']}", ""]
        phase_seen = None
        for phase, text, source in _lines(section):
            if phase and phase != phase_seen:
                out += ["", f"### {phase}", ""]
                phase_seen = phase
            out.append(f"- {text} [{source}]")
        out.append("")
    return "\n".join(out).replace("\n\n\n", "\n\n")


def to_docx(plan: Mapping[str, Any], *, version: int | None = None) -> bytes:
    from docx import Document  # python-docx: only needed for the Word export

    doc = Document()
    doc.add_heading(plan["title"], level=0)
    if version is not None:
        doc.add_paragraph(f"Version {version}. Each line names its source in brackets.")
    for section in plan["sections"]:
        doc.add_heading(section["title"], level=1)
        phase_seen = None
        for phase, text, source in _lines(section):
            if phase and phase != phase_seen:
                doc.add_heading(phase, level=2)
                phase_seen = phase
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(text)
            para.add_run(f" [{source}]").italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
