"""ORM tables (SQLAlchemy 2.0 typed declarative).

Rows that importers write carry ``source`` and ``source_key`` so re-imports are
idempotent upserts; rows a user created or edited through the API carry
``origin = "user"`` and importers never touch them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The enumerations of the schema, once: the API's schemas use the Literal types, the table
# constraints and importers the tuples.
CooperationKind = Literal[
    "twinning",
    "technical-cooperation",
    "funded-project",
    "thematic-network",
    "programme-pairing",
    "business-cooperation",
]
Role = Literal["learner", "peer", "mentor"]
SuccessLabel = Literal["high", "medium", "low", "unknown"]
FeedbackKind = Literal["relevant", "not_relevant", "contacted", "partnership_started"]
ModelStatus = Literal["trained", "promoted", "retired", "failed"]
COOPERATION_KINDS: tuple[str, ...] = get_args(CooperationKind)
ROLES: tuple[str, ...] = get_args(Role)
SUCCESS_LABELS: tuple[str, ...] = get_args(SuccessLabel)
FEEDBACK_KINDS: tuple[str, ...] = get_args(FeedbackKind)
MODEL_STATUSES: tuple[str, ...] = get_args(ModelStatus)
ORIGIN_IMPORT = "import"
ORIGIN_USER = "user"


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Country(Base):
    __tablename__ = "countries"

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso3: Mapped[str | None] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(200))
    continent: Mapped[str | None] = mapped_column(String(2))
    wb_region: Mapped[str | None] = mapped_column(String(100))
    income_group: Mapped[str | None] = mapped_column(String(2))
    lending_category: Mapped[str | None] = mapped_column(String(20))
    eu_member: Mapped[bool | None] = mapped_column(Boolean)
    # {"FY25": "H", ...}: lets rules ask for the group in a given year
    income_history: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (
        Index("ix_cities_country", "country"),
        Index("ix_cities_search_name", "search_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geonames_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    ascii_name: Mapped[str] = mapped_column(String(200))
    # accent-free casefolded name for prefix search
    search_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), ForeignKey("countries.iso2"))
    admin_area: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="city")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    aliases: Mapped[list[CityAlias]] = relationship(back_populates="city", cascade="all, delete-orphan")
    profile: Mapped[CityProfile | None] = relationship(back_populates="city", uselist=False)


class CityAlias(Base):
    __tablename__ = "city_aliases"
    __table_args__ = (
        UniqueConstraint("city_id", "search_name"),
        Index("ix_city_aliases_search_name", "search_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200))

    city: Mapped[City] = relationship(back_populates="aliases")


class CityProfile(Base):
    __tablename__ = "city_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), unique=True)
    needs_text: Mapped[str] = mapped_column(Text, default="")
    profile_text: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[list[Any]] = mapped_column(JSON, default=list)
    challenges: Mapped[list[Any]] = mapped_column(JSON, default=list)
    industries: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    desired_countries: Mapped[list[Any]] = mapped_column(JSON, default=list)
    desired_regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(String(10))
    area_km2: Mapped[float | None] = mapped_column(Float)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(10), default=ORIGIN_IMPORT)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    city: Mapped[City] = relationship(back_populates="profile")


class Sector(Base):
    __tablename__ = "sectors"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("sectors.id"))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)


class FundingScheme(Base):
    __tablename__ = "funding_schemes"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    operator: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    # the catalogue record as given (eligibility, sectors, aliases, ...): rules are data
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sectors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(10), default=ORIGIN_IMPORT)


class Cooperation(Base):
    __tablename__ = "cooperations"
    __table_args__ = (Index("ix_cooperations_kind", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    funding_scheme_id: Mapped[str | None] = mapped_column(ForeignKey("funding_schemes.id"))
    # a case may name several schemes; the first is funding_scheme_id
    funding_scheme_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cooperations.id"))
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    outcome_indicators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    success: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str] = mapped_column(String(300), unique=True)
    origin: Mapped[str] = mapped_column(String(10), default=ORIGIN_IMPORT)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # raised by every in-place change (the importer's); workers' caches of cooperation histories
    # follow the sum over all cooperations (see db.repositories.fingerprint)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    members: Mapped[list[CooperationMember]] = relationship(
        back_populates="cooperation", cascade="all, delete-orphan"
    )
    sector_links: Mapped[list[CooperationSector]] = relationship(cascade="all, delete-orphan")


class CooperationMember(Base):
    __tablename__ = "cooperation_members"
    __table_args__ = (Index("ix_cooperation_members_city", "city_id"),)

    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), primary_key=True
    )
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str | None] = mapped_column(String(20))

    cooperation: Mapped[Cooperation] = relationship(back_populates="members")
    city: Mapped[City] = relationship()


class CooperationSector(Base):
    __tablename__ = "cooperation_sectors"

    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), primary_key=True
    )
    sector_id: Mapped[str] = mapped_column(ForeignKey("sectors.id"), primary_key=True)


class UnresolvedPlace(Base):
    """Names an import could not resolve: kept out of the graph but listed."""

    __tablename__ = "unresolved_places"
    __table_args__ = (UniqueConstraint("source", "name", "country_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    country_text: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    occurrences: Mapped[int] = mapped_column(Integer, default=1)


class Embedding(Base):
    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("model_name", "text_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # what the text describes, e.g. "city:12" or "sector:water-supply" (informational)
    entity: Mapped[str] = mapped_column(String(120))
    model_name: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian


class ModelVersion(Base):
    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="trained")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data_hash: Mapped[str] = mapped_column(String(64))
    artifact_uri: Mapped[str] = mapped_column(String(500))
    artifact: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    artifact_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    promoted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    partner_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    model_version: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TrainingJob(Base):
    __tablename__ = "training_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Plan(Base):
    """A draft action plan of a pair; its text lives in ``plan_versions`` (an edit adds a version)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_city", "city_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    partner_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    sectors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PlanVersion(Base):
    """One saved text of a plan, never changed: version 1 is the draft, each edit the next number."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
