"""cooperations.updated_at

Workers cache cooperation histories and rebuild them when the largest
``updated_at`` changes, so an import that corrects a cooperation in place is seen.

Revision ID: c3a8d51f07b2
Revises: b71c2d9e4a10
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3a8d51f07b2"
down_revision: str | Sequence[str] | None = "b71c2d9e4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: making it NOT NULL would make SQLite copy the table that the members and
    # sectors reference. Every write sets it; the backfill covers existing rows.
    op.add_column("cooperations", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cooperations SET updated_at = created_at")
    op.create_index("ix_cooperations_updated_at", "cooperations", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cooperations_updated_at", table_name="cooperations")
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would have to drop
    # the original, which the members, sectors and parent links reference
    op.drop_column("cooperations", "updated_at")
