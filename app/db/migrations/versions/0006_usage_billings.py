"""usage billed by range instead of a mark on every record; leaner usage indexes

A bill run used to write the invoice id into each usage record it counted: one
row update per record, a million for a month of a busy meter, and a foreign key
that made a usage draft impossible to delete.  ``usage_billings`` keeps one row
per invoice and item: the date range it billed and the highest record id that
existed then.  Existing marks become such rows.  The unique key of a record puts
the client first, which makes the separate client index redundant.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_billings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("through_record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_usage_billings_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_usage_billings_schedule_id_schedules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_billings")),
    )
    with op.batch_alter_table("usage_billings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_billings_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            "ix_usage_billings_schedule_item_start",
            ["schedule_id", "item", "period_start"],
            unique=False,
        )
    # Each invoice's marks become one range per item: the dates it counted and the
    # highest record id among them (records added later have higher ids).
    op.execute(
        "INSERT INTO usage_billings "
        "(invoice_id, schedule_id, item, period_start, period_end, through_record_id) "
        "SELECT invoice_id, schedule_id, item, min(occurred_on), max(occurred_on), max(id) "
        "FROM usage_records WHERE invoice_id IS NOT NULL AND schedule_id IS NOT NULL "
        "GROUP BY invoice_id, schedule_id, item"
    )
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_records_invoice_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_usage_records_invoice_id_invoices"), type_="foreignkey"
        )
        batch_op.drop_column("invoice_id")
        # client first: the same index then serves look-ups by client, and the
        # separate client index (one more B-tree to update per imported record) goes
        batch_op.drop_index(batch_op.f("ix_usage_records_client_id"))
        batch_op.drop_constraint("uq_usage_records_client_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_usage_records_client_key", ["client_id", "record_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.drop_constraint("uq_usage_records_client_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_usage_records_client_key", ["record_key", "client_id"]
        )
        batch_op.create_index(batch_op.f("ix_usage_records_client_id"), ["client_id"], unique=False)
        batch_op.add_column(sa.Column("invoice_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_usage_records_invoice_id_invoices"), "invoices", ["invoice_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_usage_records_invoice_id"), ["invoice_id"], unique=False
        )
    op.execute(
        "UPDATE usage_records SET invoice_id = ("
        " SELECT max(b.invoice_id) FROM usage_billings b"
        " WHERE b.schedule_id = usage_records.schedule_id AND b.item = usage_records.item"
        " AND usage_records.occurred_on BETWEEN b.period_start AND b.period_end"
        " AND usage_records.id <= b.through_record_id) WHERE billable"
    )
    with op.batch_alter_table("usage_billings", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_billings_schedule_item_start")
        batch_op.drop_index(batch_op.f("ix_usage_billings_invoice_id"))
    op.drop_table("usage_billings")
