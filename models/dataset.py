"""In-memory cooperation graph the ML core trains and scores on.

The database loader produces a :class:`GraphData`; everything in ``features/``
and ``models/`` works on it, never on the database directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse

from db.errors import InvalidInput
from features.cities import CityTable, QuerySide
from features.pairs import FRAME_READS

# The cities frame: the id the ranker reports, and what the pair features read.
CITY_COLUMNS: tuple[str, ...] = ("city_id", *FRAME_READS)


@dataclass
class Group:
    """A multi-member cooperation (URBACT network, Interreg project, curated case).

    Parameters
    ----------
    id : str
        Stable identifier, e.g. ``"urbact-12"``.
    kind : str
        ``"urbact"``, ``"interreg"``, ``"case"``, ...
    members : numpy.ndarray
        City positions (rows of ``GraphData.cities``).
    text : str
        Title and description; feeds the members' track records.
    start_year : int or None
        Year the cooperation started, used for temporal splits.
    sectors : tuple of str
        Sector ids of the cooperation.
    """

    id: str
    kind: str
    members: np.ndarray
    text: str = ""
    start_year: int | None = None
    sectors: tuple[str, ...] = ()


@dataclass
class GraphData:
    """Cities, pairwise links and groups, addressed by city position.

    Parameters
    ----------
    cities : pandas.DataFrame
        RangeIndex ``0..n-1`` (the city position) with the columns of
        :data:`CITY_COLUMNS`.
    links : numpy.ndarray
        int64 array ``(m, 2)`` of undirected, unique pairs with ``i < j``.
    groups : list of Group
        Multi-member cooperations.
    """

    cities: pd.DataFrame
    links: np.ndarray
    groups: list[Group] = field(default_factory=list)

    def __post_init__(self) -> None:
        links = np.asarray(self.links, dtype=np.int64).reshape(-1, 2)
        self.links = links

    @property
    def n_cities(self) -> int:
        """Number of cities (positions ``0..n-1``)."""
        return len(self.cities)

    def validate(self) -> GraphData:
        """Check the structural invariants and return ``self``.

        Raises
        ------
        ValueError
            If a column is missing, positions are out of range, or links are
            not unique ``i < j`` pairs.
        """
        missing = [c for c in CITY_COLUMNS if c not in self.cities.columns]
        if missing:
            raise ValueError(f"cities frame lacks columns {missing}")
        n = self.n_cities
        if len(self.links):
            if self.links.min() < 0 or self.links.max() >= n:
                raise ValueError("link positions out of range")
            if np.any(self.links[:, 0] >= self.links[:, 1]):
                raise ValueError("links must be stored with i < j")
            if len(np.unique(self.links, axis=0)) != len(self.links):
                raise ValueError("duplicate links")
        for g in self.groups:
            if len(g.members) and (g.members.min() < 0 or g.members.max() >= n):
                raise ValueError(f"group {g.id} has member positions out of range")
        return self

    def adjacency(self) -> sparse.csr_matrix:
        """Symmetric 0/1 adjacency matrix of the links (n x n, CSR)."""
        n = self.n_cities
        i, j = self.links[:, 0], self.links[:, 1]
        data = np.ones(2 * len(i), dtype=np.float64)
        a = sparse.csr_matrix((data, (np.r_[i, j], np.r_[j, i])), shape=(n, n))
        a.sum_duplicates()
        a.data[:] = 1.0
        return a

    def degrees(self) -> np.ndarray:
        """Number of links per city."""
        return np.bincount(self.links.ravel(), minlength=self.n_cities).astype(np.int64)

    def neighbours(self) -> list[np.ndarray]:
        """Sorted partner positions per city."""
        a = self.adjacency()
        return [a.indices[a.indptr[k] : a.indptr[k + 1]] for k in range(self.n_cities)]

    def membership(self) -> sparse.csr_matrix:
        """City x group 0/1 incidence matrix (n x len(groups), CSR)."""
        rows = [g.members for g in self.groups]
        cols = [np.full(len(g.members), k) for k, g in enumerate(self.groups)]
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        m = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(self.n_cities, len(self.groups)))
        m.sum_duplicates()
        m.data[:] = 1.0
        return m

    def group_counts(self) -> np.ndarray:
        """Number of groups each city belongs to."""
        return np.asarray(self.membership().sum(axis=1)).ravel().astype(np.int64)

    def visible(self) -> np.ndarray:
        """Cities the graph knows through a link or a group membership.

        The store holds a city because some cooperation names it, so a city left with
        neither after hiding cooperations would give itself away as a held-out partner:
        held-out targets and training positives must stay visible.
        """
        return (self.degrees() > 0) | (self.group_counts() > 0)

    def without_links(self, mask: np.ndarray) -> GraphData:
        """Copy with the links where ``mask`` is True removed."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self.links),):
            raise ValueError(f"mask must have shape ({len(self.links)},), got {mask.shape}")
        return replace(self, links=self.links[~mask].copy(), groups=list(self.groups))

    def without_pairs(self, pairs: np.ndarray) -> GraphData:
        """Copy without the given undirected pairs (any order)."""
        return self.without_links(self.link_mask(pairs))

    def link_mask(self, pairs: np.ndarray) -> np.ndarray:
        """Boolean mask over ``links`` of the given undirected pairs."""
        pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
        n = np.int64(self.n_cities)
        wanted = set((pairs[:, 0] * n + pairs[:, 1]).tolist())
        codes = self.links[:, 0] * n + self.links[:, 1]
        return np.fromiter((c in wanted for c in codes.tolist()), dtype=bool, count=len(codes))

    def without_cities(self, positions: Iterable[int]) -> GraphData:
        """Copy where the given cities keep their rows but lose all links and group memberships."""
        drop = np.zeros(self.n_cities, dtype=bool)
        drop[np.fromiter(positions, dtype=np.int64)] = True
        keep = ~(drop[self.links[:, 0]] | drop[self.links[:, 1]])
        groups = [replace(g, members=g.members[~drop[g.members]]) for g in self.groups]
        return replace(self, links=self.links[keep].copy(), groups=[g for g in groups if len(g.members)])

    def without_groups(self, ids: Iterable[str]) -> GraphData:
        """Copy without the groups whose ids are given."""
        ids = set(ids)
        return replace(self, groups=[g for g in self.groups if g.id not in ids])

    def has_link(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Vectorised test whether each pair ``(i[k], j[k])`` is a link."""
        a = self.adjacency()
        return np.asarray(a[np.asarray(i), np.asarray(j)]).ravel() > 0


@dataclass
class CityQuery:
    """Who asks for partners: a city in the store (``position``) or a new city's profile.

    A known city may still come with ``needs`` text, which replaces its own
    profile in the text features. ``cold=True`` scores a known city from its
    profile alone (its links ignored).
    """

    position: int | None = None
    name: str = ""
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: float | None = None
    timezone: str | None = None
    continent: str | None = None
    wb_region: str | None = None
    income_group: str | None = None
    needs: str = ""
    sectors: tuple[str, ...] = ()
    cold: bool = False

    def side(self, table: CityTable, *, embedding: np.ndarray | None = None) -> QuerySide:
        """One-row query side against ``table``: a known city's, or a new city's from its profile.

        A needs text comes as its ``embedding``. A new city without coordinates stands at the mean
        of its country's cities in the table.
        """
        if embedding is None and self.needs:
            raise ValueError("needs text but no embedding: pass needs_embedding or set an embedder")
        t = table
        if self.position is not None:
            if not 0 <= self.position < t.n:
                raise ValueError(f"city position {self.position} is not in the store (0..{t.n - 1})")
            return t.side(np.array([self.position]), cold=np.array([self.cold]), embedding=embedding)
        lat, lon = self.latitude, self.longitude
        if lat is None or lon is None:
            code = t.country_vocab.get(self.country or "", -1)
            if code < 0:
                # InvalidInput is a ValueError too; the API answers it 422 instead of 500
                raise InvalidInput(
                    "a new city needs latitude/longitude, or a country the model holds cities of",
                    field="city.latitude",
                )
            in_country = t.country == code
            lat, lon = float(t.latitude[in_country].mean()), float(t.longitude[in_country].mean())
        return t.profile_side(
            1, name=self.name, country=self.country, latitude=lat, longitude=lon,
            population=self.population, timezone=self.timezone, continent=self.continent,
            wb_region=self.wb_region, income_group=self.income_group, sectors=self.sectors,
            embedding=embedding,
        )  # fmt: skip
