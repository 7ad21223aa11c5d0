"""cooperations.revision

A counter raised by every in-place change of a cooperation. Workers cache
cooperation histories and rebuild them when the sum of these counters changes,
so an import that corrects a cooperation is seen whatever the order of commits.

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
    op.add_column(
        "cooperations", sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("1"))
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would have to drop
    # the original, which the members, sectors and parent links reference
    op.drop_column("cooperations", "revision")
