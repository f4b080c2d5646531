"""Risk leads: the lead, its timeline, attachments, duplicate decisions and rewards; covering
indexes for the lead and entity lists.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 00:55:22.599062
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Covers the scope and the filters of the lead list, so that its count reads the index only.
LEADS_LIST_COLUMNS = [
    "jurisdiction_id", "merged_into_id", "status", "domain", "discovered_on", "due_on",
    "assignee_department_id",
]  # fmt: skip
# The same for the entity list (created in 0001 without ``voided_at``, which every list filters).
ENTITIES_LIST_COLUMNS = ["jurisdiction_id", "voided_at", "kind", "key_status"]


def upgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index("ix_entities_jurisdiction_kind")
        batch_op.create_index("ix_entities_list", ENTITIES_LIST_COLUMNS, unique=False)
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("receipt_code", sa.String(length=16), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("focus_area", sa.String(length=64), nullable=True),
        sa.Column("subject_entity_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("subject_key", sa.String(length=200), nullable=False),
        sa.Column("subject_uscc", sa.String(length=32), nullable=True),
        sa.Column("subject_id_blind_index", sa.String(length=64), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("people_count", sa.Integer(), nullable=True),
        sa.Column("discovered_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_department_id", sa.Integer(), nullable=True),
        sa.Column("assignee_jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("informant_real_name", sa.Boolean(), nullable=False),
        sa.Column("informant_name_enc", sa.LargeBinary(), nullable=True),
        sa.Column("informant_id_enc", sa.LargeBinary(), nullable=True),
        sa.Column("informant_phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("informant_address_enc", sa.LargeBinary(), nullable=True),
        sa.Column("informant_id_blind_index", sa.String(length=64), nullable=True),
        sa.Column("informant_phone_blind_index", sa.String(length=64), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("verified_true", sa.Boolean(), nullable=True),
        sa.Column("is_illegal_fundraising", sa.Boolean(), nullable=True),
        sa.Column("meets_standard_conditions", sa.Boolean(), nullable=True),
        sa.Column("regulator", sa.String(length=40), nullable=True),
        sa.Column("regulator_state", sa.String(length=16), nullable=True),
        sa.Column("disposal_path", sa.String(length=40), nullable=True),
        sa.Column("no_risk_reason", sa.String(length=500), nullable=True),
        sa.Column("disposal_summary", sa.Text(), nullable=True),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("case_closed_on", sa.Date(), nullable=True),
        sa.Column("unpaid_amount_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("unpaid_people", sa.Integer(), nullable=True),
        sa.Column("remarks", sa.String(length=500), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_department_id"],
            ["departments.id"],
            name=op.f("fk_leads_assignee_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_leads_assignee_jurisdiction_id_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_leads_created_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_leads_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_leads_jurisdiction_id_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["leads.id"], name=op.f("fk_leads_merged_into_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["subject_entity_id"], ["entities.id"], name=op.f("fk_leads_subject_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("number", name=op.f("uq_leads_number")),
        sa.UniqueConstraint("receipt_code", name=op.f("uq_leads_receipt_code")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leads_assignee_department_id"), ["assignee_department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_domain"), ["domain"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_informant_id_blind_index"),
            ["informant_id_blind_index"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_leads_informant_phone_blind_index"),
            ["informant_phone_blind_index"],
            unique=False,
        )
        batch_op.create_index("ix_leads_list", LEADS_LIST_COLUMNS, unique=False)
        batch_op.create_index(batch_op.f("ix_leads_status"), ["status"], unique=False)
        batch_op.create_index("ix_leads_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_subject_entity_id"), ["subject_entity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leads_subject_id_blind_index"), ["subject_id_blind_index"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_subject_key"), ["subject_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_subject_uscc"), ["subject_uscc"], unique=False)

    op.create_table(
        "lead_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_attachments_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_attachments")),
    )
    with op.batch_alter_table("lead_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_attachments_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "lead_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_events_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_events")),
    )
    with op.batch_alter_table("lead_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_events_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "lead_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("other_lead_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_links_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["other_lead_id"], ["leads.id"], name=op.f("fk_lead_links_other_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_links")),
        sa.UniqueConstraint("lead_id", "other_lead_id", name="uq_lead_links_pair"),
    )
    with op.batch_alter_table("lead_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_links_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lead_links_other_lead_id"), ["other_lead_id"], unique=False
        )

    op.create_table(
        "lead_rewards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("band", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_rewards_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_rewards")),
        sa.UniqueConstraint("lead_id", name=op.f("uq_lead_rewards_lead_id")),
    )


def downgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index("ix_entities_list")
        batch_op.create_index(
            "ix_entities_jurisdiction_kind", ["jurisdiction_id", "kind"], unique=False
        )
    op.drop_table("lead_rewards")
    with op.batch_alter_table("lead_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_links_other_lead_id"))
        batch_op.drop_index(batch_op.f("ix_lead_links_lead_id"))

    op.drop_table("lead_links")
    with op.batch_alter_table("lead_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_events_lead_id"))

    op.drop_table("lead_events")
    with op.batch_alter_table("lead_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_attachments_lead_id"))

    op.drop_table("lead_attachments")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_subject_uscc"))
        batch_op.drop_index(batch_op.f("ix_leads_subject_key"))
        batch_op.drop_index(batch_op.f("ix_leads_subject_id_blind_index"))
        batch_op.drop_index(batch_op.f("ix_leads_subject_entity_id"))
        batch_op.drop_index("ix_leads_status_due")
        batch_op.drop_index(batch_op.f("ix_leads_status"))
        batch_op.drop_index("ix_leads_list")
        batch_op.drop_index(batch_op.f("ix_leads_informant_phone_blind_index"))
        batch_op.drop_index(batch_op.f("ix_leads_informant_id_blind_index"))
        batch_op.drop_index(batch_op.f("ix_leads_domain"))
        batch_op.drop_index(batch_op.f("ix_leads_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_leads_case_id"))
        batch_op.drop_index(batch_op.f("ix_leads_assignee_department_id"))

    op.drop_table("leads")
