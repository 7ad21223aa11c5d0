"""Settings read from the environment (prefix ``PARTNERMATCH_``).

Relative paths resolve from the repository root, never from the current directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.session import DEFAULT_DATABASE_URL

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path | None:
    candidate = (REPO_ROOT / ".." / "shared" / "data" / "public").resolve()
    return candidate if candidate.is_dir() else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERMATCH_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; SQLite file by default, PostgreSQL in production.",
    )
    data_dir: Path | None = Field(default_factory=_default_data_dir, description="Public datasets directory.")
    curated_dir: Path = REPO_ROOT / "data" / "curated"
    model_dir: Path = Field(
        default=REPO_ROOT / "var" / "artifacts",
        description="Local cache of model artifacts (the database holds the authoritative copy).",
    )
    embedding_model: str | None = Field(
        default=None,
        description="Local path of a sentence-transformers model; unset means the packaged all-MiniLM-L6-v2",
    )
    embedding_model_languages: list[str] = Field(
        default_factory=lambda: ["en"],
        description="ISO 639-1 codes of the languages `embedding_model` reads (the packaged model: English "
        "only). A needs text in another language is read through the sector vocabulary instead",
    )
    require_api_key_for_reads: bool = False
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    log_level: str = "INFO"
    feedback_rate_limit_per_minute: int = Field(
        default=30, description="Feedback answers a minute per client (API key, else address); 0 turns it off"
    )
    recommend_rate_limit_per_minute: int = Field(
        default=0,
        ge=0,
        description="Recommendation requests a minute per client (API key, else address); 0, the default, "
        "turns the limit off",
    )
    rate_limit_storage_uri: str = Field(
        default="memory://",
        description="Where the rate limits count (the `limits` library's storage URI): memory:// counts per "
        "worker process; redis://host:port/db shares the count across workers and replicas",
    )
    rate_limit_strategy: Literal["moving-window", "fixed-window"] = "moving-window"
    max_body_bytes: int = 64_000
    # scheme catalogues run to a few hundred kilobytes
    max_import_bytes: int = 2_000_000
    max_needs_chars: int = 4000
    model_poll_seconds: float = 2.0
    torch_threads: int = Field(
        default=1, description="Compute threads per worker process (PyTorch, BLAS and OpenMP pools)"
    )
    recommend_concurrency: int = Field(
        default=1,
        ge=1,
        description="Recommendations computed at once per worker process; the rest wait their turn. "
        "Scoring is CPU-bound Python, so threads of one process only slow each other down.",
    )
    trusted_proxy_hops: int = Field(
        default=0,
        ge=0,
        description="Reverse proxies in front of the API that append to X-Forwarded-For; 0 ignores "
        "the header (clients could forge it), 1 takes the address the one proxy saw, and so on.",
    )
    retrain_stale_after_seconds: float = Field(
        default=6 * 3600,
        description="A queued or running training job older than this is presumed dead with its worker "
        "and no longer blocks a new retrain.",
    )

    def model_languages(self, model_name: str | None) -> tuple[str, ...]:
        """The languages of the served model's encoder ``model_name``: the configured ones when it
        is the configured model, else English (the packaged model, or one these settings do not
        describe)."""
        if model_name is not None and model_name == self.embedding_model:
            return tuple(c.strip().lower() for c in self.embedding_model_languages if c.strip())
        return ("en",)

    @field_validator("data_dir", "curated_dir", "model_dir", mode="after")
    @classmethod
    def _resolve_from_repo_root(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        return value if value.is_absolute() else (REPO_ROOT / value).resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()
