"""Render the sample documents of every template to PNG pictures for docs/pdf.md.

Usage: ``python docs/scripts/render_pdf_samples.py [--out docs/images] [--keep-pdf]``.
Needs ``pdftoppm`` (Debian package poppler-utils).  Each picture is named
``pdf-<template>-<document>.png``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core.documents import Branding  # noqa: E402
from app.pdf import (  # noqa: E402
    render_credit_note,
    render_invoice,
    render_reminder,
    render_statement,
)
from app.pdf.samples import (  # noqa: E402
    sample_invoice,
    sample_reminder,
    sample_statement,
)

RESOLUTION = "60"


def _pages(pdf: bytes, stem: str, pages: list[int], out: Path, work: Path) -> list[Path]:
    source = work / f"{stem}.pdf"
    source.write_bytes(pdf)
    written = []
    for page in pages:
        target = out / (f"{stem}.png" if len(pages) == 1 else f"{stem}-page{page}.png")
        prefix = work / f"{stem}-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                RESOLUTION,
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(source),
                str(prefix),
            ],
            check=True,
        )
        shutil.move(str(prefix) + ".png", target)
        written.append(target)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--keep-pdf", action="store_true", help="also copy the PDFs to --out")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, Callable[[Branding], bytes], list[int]]] = [
        ("invoice", lambda b: render_invoice(sample_invoice(), b), [1]),
        ("long-invoice", lambda b: render_invoice(sample_invoice(line_count=60), b), [1, 2]),
        (
            "credit-note",
            lambda b: render_credit_note(sample_invoice(3, kind="credit_note"), b),
            [1],
        ),
        ("reminder", lambda b: render_reminder(sample_reminder(), b), [1]),
        ("statement", lambda b: render_statement(sample_statement(), b), [1]),
    ]
    brandings = {
        "classic": Branding(template="classic"),
        "modern": Branding(template="modern", accent_hex="#0F766E"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for template, branding in brandings.items():
            for name, render, pages in jobs:
                stem = f"pdf-{template}-{name}"
                pdf = render(branding)
                if args.keep_pdf:
                    (args.out / f"{stem}.pdf").write_bytes(pdf)
                for path in _pages(pdf, stem, pages, args.out, work):
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
