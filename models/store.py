"""Build the in-memory :class:`GraphData` from the SQL store."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.repositories.snapshots import city_frame_rows, cooperation_rows
from models.dataset import CITY_COLUMNS, GraphData, Group

# Pairs of these kinds are partner links; multi-member cooperations become groups.
LINK_KINDS = frozenset({"twinning", "technical-cooperation", "programme-pairing", "business-cooperation"})


def load_graph(session: Session) -> GraphData:
    """Every city (position = order by id), pairwise links and multi-member groups."""
    columns = [*CITY_COLUMNS, "role"]
    cities = pd.DataFrame(city_frame_rows(session, columns=columns), columns=columns)
    position = {cid: pos for pos, cid in enumerate(cities["city_id"].tolist())}
    links: set[tuple[int, int]] = set()
    groups: list[Group] = []
    for coop in cooperation_rows(session):
        members = sorted({position[c] for c in coop["members"] if c in position})
        if len(members) < 2:
            continue
        if coop["kind"] in LINK_KINDS and len(members) == 2:
            links.add((members[0], members[1]))
        if coop["kind"] != "twinning":
            text = f"{coop['title']}. {coop['description']}".strip()
            groups.append(
                Group(
                    id=f"{coop['source']}:{coop['id']}",
                    kind=coop["kind"],
                    members=np.asarray(members, dtype=np.int64),
                    text=text,
                    start_year=coop["start_year"],
                    sectors=coop["sectors"],
                )
            )
    link_array = np.asarray(sorted(links), dtype=np.int64).reshape(-1, 2)
    return GraphData(cities=cities, links=link_array, groups=groups).validate()
