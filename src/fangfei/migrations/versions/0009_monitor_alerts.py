"""Monitor alerts in the application database: evidence, the holder's entity, the disposition.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:38:25.258593
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=20), nullable=False),
        sa.Column("bank", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scenarios", sa.JSON(), nullable=False),
        sa.Column("typologies", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_type", sa.String(length=16), nullable=False),
        sa.Column("holder_entity_id", sa.Integer(), nullable=True),
        sa.Column("holder_match", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("disposition_reason", sa.Text(), nullable=True),
        sa.Column("disposed_by_name", sa.String(length=100), nullable=True),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_entity_id"],
            ["entities.id"],
            name=op.f("fk_monitor_alerts_holder_entity_id_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_monitor_alerts_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_alerts")),
        sa.UniqueConstraint("alert_key", name=op.f("uq_monitor_alerts_alert_key")),
    )
    with op.batch_alter_table("monitor_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitor_alerts_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_monitor_alerts_bank"), ["bank"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_monitor_alerts_holder_entity_id"), ["holder_entity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_monitor_alerts_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("monitor_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitor_alerts_status"))
        batch_op.drop_index(batch_op.f("ix_monitor_alerts_holder_entity_id"))
        batch_op.drop_index(batch_op.f("ix_monitor_alerts_bank"))
        batch_op.drop_index(batch_op.f("ix_monitor_alerts_account_id"))

    op.drop_table("monitor_alerts")
