"""prefix search indexes for PostgreSQL

LIKE 'prefix%' can only use a b-tree index with text_pattern_ops under a non-C
collation; SQLite uses the plain indexes of the initial schema.

Revision ID: b71c2d9e4a10
Revises: 9f5e6ebafa2e
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b71c2d9e4a10"
down_revision: str | Sequence[str] | None = "9f5e6ebafa2e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_cities_search_name_pattern",
        "cities",
        ["search_name"],
        postgresql_ops={"search_name": "text_pattern_ops"},
    )
    op.create_index(
        "ix_city_aliases_search_name_pattern",
        "city_aliases",
        ["search_name"],
        postgresql_ops={"search_name": "text_pattern_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_city_aliases_search_name_pattern", table_name="city_aliases")
    op.drop_index("ix_cities_search_name_pattern", table_name="cities")
