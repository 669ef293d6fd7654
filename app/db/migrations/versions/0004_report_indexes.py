"""report indexes

Covering indexes for the reports and the dashboard: aging by client as of any
date, invoiced and received per period, allocations after a date, client
credit.  Each lets SQLite answer from the index alone.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = "balance_minor <> 0 AND status IN ('issued','sent','partly_paid')"


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_open_aging",
            ["client_id", "currency", "due_date", "issue_date", "balance_minor"],
            unique=False,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.create_index(
            "ix_invoices_issue_figures",
            [
                "issue_date",
                "kind",
                "status",
                "currency",
                "total_minor",
                "subtotal_minor",
                "tax_minor",
            ],
            unique=False,
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payments_date_figures",
            ["date", "kind", "currency", "method", "amount_minor", "reversed_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_payments_credit",
            ["client_id", "currency", "unallocated_minor"],
            unique=False,
            sqlite_where=sa.text("unallocated_minor <> 0"),
            postgresql_where=sa.text("unallocated_minor <> 0"),
        )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_allocations_date", ["date", "invoice_id", "amount_minor"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_allocations_date")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_credit", sqlite_where=sa.text("unallocated_minor <> 0"))
        batch_op.drop_index("ix_payments_date_figures")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_issue_figures")
        batch_op.drop_index("ix_invoices_open_aging", sqlite_where=sa.text(OPEN))
