"""PDF documents (invoices, credit notes, reminders, statements) with ReportLab.

Importing this package loads ReportLab; the GUI imports it lazily so that
start-up stays fast.  Every renderer returns the PDF as bytes and is
deterministic: the same document and branding give the same bytes.
"""

from app.pdf.batch import BatchResult, render_batch
from app.pdf.errors import DocumentError
from app.pdf.invoice import render_credit_note, render_invoice
from app.pdf.reminder import render_reminder
from app.pdf.statement import render_statement

__all__ = [
    "BatchResult",
    "DocumentError",
    "render_batch",
    "render_credit_note",
    "render_invoice",
    "render_reminder",
    "render_statement",
]
