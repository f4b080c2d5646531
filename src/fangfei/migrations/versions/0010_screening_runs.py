"""Screening runs and the key-supervision list (重点监管对象) their hits fill.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:56:17.193015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("input_name", sa.String(length=255), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("lexicon_version", sa.Integer(), nullable=False),
        sa.Column("lexicon_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_runs")),
    )
    op.create_table(
        "supervision_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("listed_by_name", sa.String(length=100), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by_name", sa.String(length=100), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removal_reason", sa.String(length=500), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_supervision_listings_entity_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_supervision_listings_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["screening_runs.id"],
            name=op.f("fk_supervision_listings_run_id_screening_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_listings")),
    )
    with op.batch_alter_table("supervision_listings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_listings_entity_id"), ["entity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_listings_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supervision_listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_listings_status"))
        batch_op.drop_index(batch_op.f("ix_supervision_listings_entity_id"))

    op.drop_table("supervision_listings")
    op.drop_table("screening_runs")
