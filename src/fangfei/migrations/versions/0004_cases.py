"""Cases: the case, its subjects, places, timeline, measures, documents and templates; leads
point to their case.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 19:06:42.716202
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document_templates")),
        sa.UniqueConstraint("kind", "version", name="uq_case_document_templates"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("acceptance_outcome", sa.String(length=24), nullable=True),
        sa.Column("investigation_mode", sa.String(length=24), nullable=True),
        sa.Column("characterisation", sa.Text(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("path", sa.String(length=16), nullable=False),
        sa.Column("administrative_first", sa.Boolean(), nullable=False),
        sa.Column("criminal_stage", sa.String(length=16), nullable=True),
        sa.Column("amount_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("people_count", sa.Integer(), nullable=True),
        sa.Column("unpaid_amount_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("unpaid_people", sa.Integer(), nullable=True),
        sa.Column("arrests", sa.Integer(), nullable=False),
        sa.Column("enforced_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("refunded_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("discovered_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("judgement_on", sa.Date(), nullable=True),
        sa.Column("disposal_ended_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("supervised_nationally", sa.Boolean(), nullable=False),
        sa.Column("stage_before_campaign", sa.String(length=24), nullable=True),
        sa.Column("judicial_opinion", sa.Text(), nullable=True),
        sa.Column("stability_summary", sa.Text(), nullable=True),
        sa.Column("officer_user_id", sa.Integer(), nullable=True),
        sa.Column("leader_name", sa.String(length=100), nullable=True),
        sa.Column("created_by_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_cases_jurisdiction_id_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_user_id"], ["users.id"], name=op.f("fk_cases_officer_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_list", ["jurisdiction_id", "stage", "path"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_officer_user_id"), ["officer_user_id"], unique=False
        )

    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("generated", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_case_documents_jurisdiction_id_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        sa.UniqueConstraint("case_id", "kind", "version", name="uq_case_documents"),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=True),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("amount_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_case_events_jurisdiction_id_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("fine_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("people_reduced", sa.Integer(), nullable=True),
        sa.Column("rectify_workdays", sa.Integer(), nullable=True),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_measures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_case_measures_jurisdiction_id_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_measures")),
    )
    with op.batch_alter_table("case_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_measures_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reach", sa.String(length=16), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_places_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_case_places_jurisdiction_id_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_places")),
    )
    with op.batch_alter_table("case_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_places_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_places_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )

    op.create_table(
        "case_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_subjects_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_case_subjects_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_subjects")),
    )
    with op.batch_alter_table("case_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_subjects_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_subjects_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_leads_case_id_cases"), "cases", ["case_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_leads_case_id_cases"), type_="foreignkey")

    with op.batch_alter_table("case_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_subjects_entity_id"))
        batch_op.drop_index(batch_op.f("ix_case_subjects_case_id"))

    op.drop_table("case_subjects")
    with op.batch_alter_table("case_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_places_jurisdiction_id"))
        batch_op.drop_index(batch_op.f("ix_case_places_case_id"))

    op.drop_table("case_places")
    with op.batch_alter_table("case_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_measures_case_id"))

    op.drop_table("case_measures")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_officer_user_id"))
        batch_op.drop_index("ix_cases_list")

    op.drop_table("cases")
    op.drop_table("case_document_templates")
