"""Report parts: each township's and member department's part of Attachment 1, with the figures it
reports otherwise and why.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:16:36.661483
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("unit_key", sa.String(length=40), nullable=False),
        sa.Column("parent_jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prefill", sa.JSON(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=100), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by_name", sa.String(length=100), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.String(length=500), nullable=True),
        sa.Column("created_by_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_report_parts_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_report_parts_jurisdiction_id_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_report_parts_parent_jurisdiction_id_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_parts")),
        sa.UniqueConstraint("table", "period", "unit_key", name="uq_report_parts"),
    )
    with op.batch_alter_table("report_parts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_parts_parent_jurisdiction_id"),
            ["parent_jurisdiction_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("report_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_parts_parent_jurisdiction_id"))

    op.drop_table("report_parts")
