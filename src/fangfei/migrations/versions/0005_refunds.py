"""Refunds: the claims register of a case (participants and their lines), the recovered pool,
distribution rounds and their payments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:30:22.905653
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refund_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("id_blind_index", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=32), nullable=False),
        sa.Column("id_status", sa.String(length=16), nullable=False),
        sa.Column("id_problem", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("bank", sa.String(length=100), nullable=True),
        sa.Column("bank_account", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("contributed_fen", sa.BigInteger(), nullable=False),
        sa.Column("returned_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_refund_participants_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_refund_participants_import_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_participants")),
        sa.UniqueConstraint("case_id", "id_blind_index", name="uq_refund_participants_id"),
        sa.UniqueConstraint("case_id", "number", name="uq_refund_participants_number"),
    )
    with op.batch_alter_table("refund_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refund_participants_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "refund_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=False),
        sa.Column("document_filename", sa.String(length=255), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_refund_receipts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_receipts")),
    )
    with op.batch_alter_table("refund_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_receipts_case_id"), ["case_id"], unique=False)

    op.create_table(
        "refund_registers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("pool_bank", sa.String(length=100), nullable=True),
        sa.Column("pool_account", sa.String(length=64), nullable=True),
        sa.Column("held_back_claim_fen", sa.BigInteger(), nullable=False),
        sa.Column("held_back_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_refund_registers_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_registers")),
        sa.UniqueConstraint("case_id", name=op.f("uq_refund_registers_case_id")),
    )
    op.create_table(
        "refund_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("claims_fen", sa.BigInteger(), nullable=False),
        sa.Column("payees", sa.Integer(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("result_sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("drafted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by_name", sa.String(length=100), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_refund_rounds_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_refund_rounds_decided_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_user_id"],
            ["users.id"],
            name=op.f("fk_refund_rounds_drafted_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_rounds")),
        sa.UniqueConstraint("case_id", "number", name="uq_refund_rounds_number"),
    )
    with op.batch_alter_table("refund_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_rounds_case_id"), ["case_id"], unique=False)

    op.create_table(
        "refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_refund_lines_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["refund_participants.id"],
            name=op.f("fk_refund_lines_participant_id_refund_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_lines")),
    )
    with op.batch_alter_table("refund_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refund_lines_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "refund_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["refund_participants.id"],
            name=op.f("fk_refund_payments_participant_id_refund_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["refund_rounds.id"],
            name=op.f("fk_refund_payments_round_id_refund_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_payments")),
        sa.UniqueConstraint("round_id", "participant_id", name="uq_refund_payments"),
    )
    with op.batch_alter_table("refund_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refund_payments_participant_id"), ["participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("refund_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_payments_participant_id"))

    op.drop_table("refund_payments")
    with op.batch_alter_table("refund_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_lines_participant_id"))

    op.drop_table("refund_lines")
    with op.batch_alter_table("refund_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_rounds_case_id"))

    op.drop_table("refund_rounds")
    op.drop_table("refund_registers")
    with op.batch_alter_table("refund_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_receipts_case_id"))

    op.drop_table("refund_receipts")
    with op.batch_alter_table("refund_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_participants_case_id"))

    op.drop_table("refund_participants")
