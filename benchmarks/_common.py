"""What the benchmark scripts share; imported as a sibling (python puts this folder on the path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_report(report: dict[str, Any], path: Path) -> int:
    """Write ``report`` as indented JSON to ``path`` (creating its folder) and print it; exit code 0."""
    text = json.dumps(report, indent=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(text)
    return 0
