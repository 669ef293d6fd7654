"""The same document always gives the same bytes, so a stored SHA-256 can be re-checked."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from app.core.documents import Branding
from app.pdf import render_invoice, render_reminder, render_statement
from app.pdf.samples import sample_invoice, sample_reminder, sample_statement

from .handmade import client, three_line_invoice

ROOT = Path(__file__).resolve().parents[2]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_rendering_twice_gives_identical_bytes() -> None:
    branding = Branding(template="modern")
    first = render_invoice(three_line_invoice(), branding)
    # Something else in between, using other characters (and so other font subsets).
    render_invoice(three_line_invoice(number="INV-OTHER", client=client("Αθήνα Μοσχάτο")), branding)
    assert render_invoice(three_line_invoice(), branding) == first


def test_every_document_kind_is_deterministic() -> None:
    branding = Branding()
    assert render_reminder(sample_reminder(), branding) == render_reminder(
        sample_reminder(), branding
    )
    assert render_statement(sample_statement(), branding) == render_statement(
        sample_statement(), branding
    )


def test_different_documents_get_different_file_ids() -> None:
    one = render_invoice(three_line_invoice(), Branding())
    two = render_invoice(three_line_invoice(notes="Another note."), Branding())
    assert one != two
    assert one.split(b"/ID")[1][:80] != two.split(b"/ID")[1][:80]


def test_a_fresh_process_with_other_hash_seeds_gives_the_same_sha256() -> None:
    # The SHA-256 is stored at issue time and verified later, in another process.
    script = (
        "import hashlib, sys\n"
        "from app.core.documents import Branding\n"
        "from app.pdf import render_invoice\n"
        "from app.pdf.samples import sample_invoice\n"
        "doc = sample_invoice(line_count=30, watermark='VOID')\n"
        "pdf = render_invoice(doc, Branding(template='modern', locale='de_DE'))\n"
        "sys.stdout.write(hashlib.sha256(pdf).hexdigest())\n"
    )
    here = _sha(
        render_invoice(
            sample_invoice(line_count=30, watermark="VOID"),
            Branding(template="modern", locale="de_DE"),
        )
    )
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == here


def test_no_wall_clock_time_in_the_file() -> None:
    pdf = render_invoice(three_line_invoice(), Branding())
    # Both dates in the file are the issue date (2 May 2024), not the time of rendering.
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20240502000000+00'00'"
