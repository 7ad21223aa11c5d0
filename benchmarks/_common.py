"""What the benchmark scripts share; imported as a sibling (python puts this folder on the path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Needs texts the load and cost benchmarks ask with: the sectors planners ask about most, in
# their words (the recorded answers keep their own list, so that old recordings stay comparable)
NEEDS = (
    "reduce drinking water losses and modernise the water utility",
    "circular economy, waste sorting and composting for a mid-sized town",
    "youth unemployment, vocational training and start-up support",
    "energy efficient renovation of public buildings and district heating",
    "revitalise the historic centre, cultural heritage and tourism",
    "sustainable urban mobility, cycling and public transport",
    "digital public services and open data for citizens",
    "climate adaptation: flood protection and urban green spaces",
    "hydrogen, renewable energy and medical devices",
    "air pollution from coal boilers",
)


def write_report(report: dict[str, Any], path: Path) -> int:
    """Write ``report`` as indented JSON to ``path`` (creating its folder) and print it; exit code 0."""
    text = json.dumps(report, indent=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(text)
    return 0
