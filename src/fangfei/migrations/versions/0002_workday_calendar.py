"""Working-day calendar: administrators' overrides and the years whose official schedule is entered.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:30:06.915206
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ACTIVE = "voided_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "workday_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=100), nullable=True),
        sa.Column("void_reason", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workday_overrides")),
    )
    with op.batch_alter_table("workday_overrides", schema=None) as batch_op:
        # At most one ruling in force per date; voided rows stay as history.
        batch_op.create_index(
            "uq_workday_overrides_day_active",
            ["day"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
    op.create_table(
        "workday_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=100), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_workday_years")),
    )


def downgrade() -> None:
    op.drop_table("workday_years")
    with op.batch_alter_table("workday_overrides", schema=None) as batch_op:
        batch_op.drop_index("uq_workday_overrides_day_active")
    op.drop_table("workday_overrides")
