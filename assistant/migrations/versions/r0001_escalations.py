"""Escalations, their events (history and notice outbox), the audit log and reference counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("topic_id", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("special_case", sa.String(300), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("contact_role", sa.String(300), nullable=False),
        sa.Column("contact_email", sa.String(300), nullable=False),
        sa.Column("contact_phone", sa.String(60), nullable=False),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("copy_to", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("raised_by", sa.String(200), nullable=False),
        sa.Column("case_ref", sa.String(100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tried", sa.Text(), nullable=False),
        _when("raised_at"),
        _when("level_sent_at"),
        _when("due_at", nullable=True),
        _when("overdue_at", nullable=True),
        _when("acknowledged_at", nullable=True),
        sa.Column("acknowledged_by", sa.String(200), nullable=False),
        _when("resolved_at", nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("auto_escalations", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("updated_at"),
        sa.UniqueConstraint("reference", name="uq_escalations_reference"),
    )
    op.create_index("ix_escalations_status_due", "escalations", ["status", "due_at"])
    op.create_index("ix_escalations_topic", "escalations", ["topic_id"])

    op.create_table(
        "escalation_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("escalation_id", sa.Integer(), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        _when("at"),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        _when("notify_claimed_at", nullable=True),
        _when("notified_at", nullable=True),
        sa.Column("notify_attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_escalation_events_escalation_id", "escalation_events", ["escalation_id"])
    op.create_index("ix_escalation_events_outbox", "escalation_events", ["notify", "notified_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _when("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])

    op.create_table(
        "escalation_counters",
        sa.Column("prefix", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("escalation_counters")
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_escalation_events_outbox", table_name="escalation_events")
    op.drop_index("ix_escalation_events_escalation_id", table_name="escalation_events")
    op.drop_table("escalation_events")
    op.drop_index("ix_escalations_topic", table_name="escalations")
    op.drop_index("ix_escalations_status_due", table_name="escalations")
    op.drop_table("escalations")
