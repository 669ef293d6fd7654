"""How fast is an invoice PDF?  Ours against a bare ReportLab page and WeasyPrint.

Usage: ``python bench/bench_pdf.py [--repeat 40] [--batch 1000] [--skip-weasyprint]``

Prints, for one 20-line invoice:

* ours — ``render_invoice`` with the classic template, logo, totals, payment block;
* bare — a plain platypus document with the same line table and the same
  embedded TrueType font, nothing else (the floor ReportLab itself sets);
  goal: ours ≤ 1.5 × bare;
* weasyprint — the same invoice as an HTML/CSS template rendered by
  WeasyPrint (only if it is installed); goal: ours ≥ 20 × faster;

then a batch of ``--batch`` invoices rendered to files with 1 and 2 worker
processes.  Times are wall-clock medians of warm runs (fonts registered).
"""

from __future__ import annotations

import argparse
import html
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core.documents import Branding, InvoiceDocument  # noqa: E402
from app.formatting import format_amount, format_money, format_percent, format_quantity  # noqa: E402
from app.pdf import render_batch, render_invoice  # noqa: E402
from app.pdf.samples import sample_invoice  # noqa: E402
from app.resources import resource_path  # noqa: E402

LOCALE = "en_IE"


def median_ms(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median wall time of each action, run in turns so that they share the same load."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for action in actions.values():
        action()
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(times) for name, times in samples.items()}


def bare_platypus(doc: InvoiceDocument) -> bytes:
    """The line table alone on a platypus page, same font embedded, nothing else."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from app.pdf.fonts import font_set

    fonts = font_set("DejaVu Sans")
    cell = ParagraphStyle("cell", fontName=fonts.regular, fontSize=8.5, leading=11.2)
    rows: list[list[object]] = [["Description", "Qty", "Unit price", "Disc.", "Tax", "Amount"]]
    for line in doc.lines:
        rows.append(
            [
                Paragraph(html.escape(line.description), cell),
                f"{format_quantity(line.quantity, LOCALE)} {line.unit}",
                format_amount(line.unit_price, LOCALE),
                format_percent(line.discount_percent, LOCALE) if line.discount_percent else "",
                format_percent(line.tax_rate, LOCALE),
                format_amount(line.line_total, LOCALE),
            ]
        )
    table = Table(
        rows, colWidths=[71 * mm, 22 * mm, 25 * mm, 14 * mm, 14 * mm, 28 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.bold, 7.5),
                ("FONT", (1, 1), (-1, -1), fonts.regular, 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, "#D5DAE1"),
            ]
        )
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build([table])
    return buffer.getvalue()


def html_invoice(doc: InvoiceDocument) -> str:
    """The same invoice as an HTML page with print CSS, as one would write it for WeasyPrint."""
    font = resource_path("fonts", "DejaVuSans.ttf").as_uri()
    bold = resource_path("fonts", "DejaVuSans-Bold.ttf").as_uri()
    logo = resource_path("images", "sample-logo.png").as_uri()
    e = html.escape
    lines = "".join(
        f"<tr><td>{e(line.description)}</td>"
        f"<td class=n>{format_quantity(line.quantity, LOCALE)} {e(line.unit)}</td>"
        f"<td class=n>{format_amount(line.unit_price, LOCALE)}</td>"
        f"<td class=n>{format_percent(line.discount_percent, LOCALE) if line.discount_percent else ''}</td>"
        f"<td class=n>{format_percent(line.tax_rate, LOCALE)}</td>"
        f"<td class=n>{format_amount(line.line_total, LOCALE)}</td></tr>"
        for line in doc.lines
    )
    taxes = "".join(
        f"<tr><td>VAT {format_percent(row.rate, LOCALE)} on {format_money(row.base, LOCALE)}</td>"
        f"<td class=n>{format_money(row.tax, LOCALE)}</td></tr>"
        for row in doc.tax_rows
    )
    company, client = doc.company, doc.client
    return f"""<!doctype html><html><head><meta charset=utf-8><style>
@font-face {{ font-family: Body; src: url({font}); }}
@font-face {{ font-family: Body; font-weight: bold; src: url({bold}); }}
@page {{ size: A4; margin: 15mm 18mm 20mm;
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages);
                   font: 7pt Body; color: #5B6573; }} }}
body {{ font: 9pt/1.4 Body; color: #1C2430; }}
header {{ display: flex; justify-content: space-between; }}
h1 {{ color: #1F4E79; font-size: 20pt; text-align: right; margin: 0; }}
.muted {{ color: #5B6573; font-size: 8pt; }}
table.lines {{ width: 100%; border-collapse: collapse; margin-top: 8mm; }}
table.lines th {{ font-size: 7.5pt; color: #5B6573; text-align: right;
                  border-bottom: 1pt solid #1F4E79; padding: 4pt; }}
table.lines th:first-child {{ text-align: left; }}
table.lines td {{ border-bottom: .4pt solid #D5DAE1; padding: 4pt; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
table.totals {{ margin-left: auto; width: 82mm; margin-top: 5mm; }}
.due td {{ font-size: 11pt; font-weight: bold; color: #1F4E79;
           border-top: 1.2pt solid #1F4E79; }}
</style></head><body>
<header><img src="{logo}" style="height: 15mm">
<div style="text-align:right"><b>{e(company.name)}</b><br>
<span class=muted>{e(", ".join(company.address_lines))}<br>VAT no. {e(company.tax_id or "")}</span>
</div></header>
<section style="display:flex; justify-content: space-between; margin-top: 6mm">
<div><span class=muted>BILL TO</span><br><b>{e(client.name)}</b><br>{"<br>".join(map(e, client.address_lines))}</div>
<div><h1>Invoice</h1>Invoice no. <b>{e(doc.number)}</b><br>Issue date <b>{doc.issue_date}</b></div>
</section>
<table class=lines><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th>
<th>Disc.</th><th>Tax</th><th>Amount</th></tr></thead><tbody>{lines}</tbody></table>
<table class=totals><tr><td>Subtotal</td><td class=n>{format_money(doc.subtotal, LOCALE)}</td></tr>
{taxes}<tr><td><b>Total</b></td><td class=n><b>{format_money(doc.total, LOCALE)}</b></td></tr>
<tr class=due><td>Balance due</td><td class=n>{format_money(doc.balance_due, LOCALE)}</td></tr>
</table>
<p>IBAN {e(company.iban or "")} · BIC {e(company.bic or "")} · Reference {e(doc.payment_reference or "")}</p>
</body></html>"""


def weasyprint_renderer() -> Callable[[InvoiceDocument], bytes] | None:
    try:
        import weasyprint  # type: ignore[import-not-found]
    except Exception as exc:
        print(f"weasyprint: not available ({exc.__class__.__name__}: {exc})")
        return None

    def render(doc: InvoiceDocument) -> bytes:
        return weasyprint.HTML(string=html_invoice(doc), base_url=str(ROOT)).write_pdf()

    return render


def batch_seconds(count: int, workers: int) -> float:
    branding = Branding()
    jobs = []
    for index in range(count):
        doc = sample_invoice(line_count=20)
        jobs.append((_renumbered(doc, f"INV-B-{index:05d}"), branding))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        results = render_batch(jobs, out, workers=workers)
        elapsed = time.perf_counter() - started
    assert len(results) == count
    return elapsed


def _renumbered(doc: InvoiceDocument, number: str) -> InvoiceDocument:
    from dataclasses import replace

    return replace(doc, number=number)


def main() -> int:
    parser = argparse.ArgumentParser(description="Invoice PDF rendering speed.")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--skip-weasyprint", action="store_true")
    args = parser.parse_args()

    doc = sample_invoice(line_count=20)
    branding = Branding()
    timed = median_ms(
        {"ours": lambda: render_invoice(doc, branding), "bare": lambda: bare_platypus(doc)},
        args.repeat,
    )
    ours, bare = timed["ours"], timed["bare"]
    print(f"ours (20 lines, classic, logo)      {ours:8.2f} ms/invoice")
    print(f"bare platypus table, same TTF       {bare:8.2f} ms/invoice")
    print(f"  ours / bare                       {ours / bare:8.2f} x   (goal <= 1.5)")
    weasy = None if args.skip_weasyprint else weasyprint_renderer()
    if weasy is not None:
        paired = median_ms(
            {"ours": lambda: render_invoice(doc, branding), "weasyprint": lambda: weasy(doc)},
            max(5, args.repeat // 4),
        )
        weasy_ms = paired["weasyprint"]
        print(f"weasyprint, same invoice as HTML    {weasy_ms:8.2f} ms/invoice")
        print(
            f"  weasyprint / ours                 {weasy_ms / paired['ours']:8.2f} x   "
            f"(goal >= 20; ours {paired['ours']:.2f} ms in the same turns)"
        )
    if args.batch > 0:
        one = batch_seconds(args.batch, 1)
        two = batch_seconds(args.batch, 2)
        print(
            f"batch of {args.batch}, 1 process          {one:8.2f} s   "
            f"({one * 1000 / args.batch:.2f} ms/invoice)"
        )
        print(
            f"batch of {args.batch}, 2 processes        {two:8.2f} s   "
            f"({two * 1000 / args.batch:.2f} ms/invoice)"
        )
        print(f"  speed-up                          {one / two:8.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
