"""Rendering many invoices at once on all cores, with progress and cancel.

A bill run can issue hundreds of invoices; ReportLab is pure Python and
holds the GIL, so the work is spread over worker *processes*.  Workers are
started with "spawn", which is safe from a GUI process that has threads
running (forking one can deadlock) and is what Windows and macOS use anyway.
Jobs are sent in small chunks and only a few chunks are in flight at a time,
so cancelling stops promptly: nothing new is submitted and the chunks already
running finish.  Each worker writes its files itself (atomically, via a
temporary name) so the PDF bytes never travel back through a pipe.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import NamedTuple

from app.core.documents import Branding, InvoiceDocument
from app.pdf.errors import DocumentError

log = logging.getLogger(__name__)

Job = tuple[InvoiceDocument, Branding]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class BatchResult(NamedTuple):
    """One rendered document: its number, the file written and the file's SHA-256 (hex)."""

    number: str
    path: Path
    sha256: str


class _Outcome(NamedTuple):
    number: str
    path: str | None
    sha256: str | None
    error: str | None
    warnings: list[str]


def file_name(doc: InvoiceDocument) -> str:
    """``invoice-INV-2024-0001.pdf``: safe on every file system, unique per kind and number."""
    safe = _UNSAFE.sub("_", doc.number.strip()).strip("._") or "unnumbered"
    return f"{doc.kind.replace('_', '-')}-{safe}.pdf"


def _render_one(doc: InvoiceDocument, branding: Branding, out_dir: str) -> _Outcome:
    from app.pdf.invoice import render_invoice

    warnings: list[str] = []
    try:
        pdf = render_invoice(doc, branding, warnings)
    except DocumentError as exc:
        return _Outcome(doc.number, None, None, str(exc), warnings)
    target = os.path.join(out_dir, file_name(doc))
    partial = target + ".part"
    with open(partial, "wb") as handle:
        handle.write(pdf)
    os.replace(partial, target)
    return _Outcome(doc.number, target, hashlib.sha256(pdf).hexdigest(), None, warnings)


def _render_chunk(chunk: Sequence[Job], out_dir: str) -> list[_Outcome]:
    return [_render_one(doc, branding, out_dir) for doc, branding in chunk]


def _chunk_size(total: int, workers: int) -> int:
    """Documents per task: enough to amortise the hand-over to a worker, few enough
    that progress moves smoothly and a cancel takes effect soon."""
    if workers <= 0:
        return 1
    return max(1, min(16, total // (workers * 8)))


def render_batch(
    jobs: Sequence[Job],
    out_dir: str | os.PathLike[str],
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    errors: list[tuple[str, str]] | None = None,
    warnings: list[str] | None = None,
) -> list[BatchResult]:
    """Render ``jobs`` into ``out_dir``; return what was written, in job order.

    ``workers`` processes share the work (0 renders in this process, which
    tests and tiny batches prefer).  ``progress(done, total)`` is called from
    the calling thread as documents finish; when ``cancel()`` turns true no
    further documents are started and the ones already running complete.
    Documents that cannot be rendered are listed in ``errors`` as
    ``(number, message)`` when a list is given; otherwise a DocumentError
    naming them is raised after every other document has been written.
    """
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for doc, _branding in jobs:
        name = file_name(doc)
        if name in names:
            raise DocumentError(
                f"two documents would both be written as {name} ({names[name]!r} and {doc.number!r})"
            )
        names[name] = doc.number
    total = len(jobs)
    size = _chunk_size(total, workers)
    chunks = [list(jobs[start : start + size]) for start in range(0, total, size)]
    outcomes: dict[int, list[_Outcome]] = {}
    done = 0

    def finished(index: int, result: list[_Outcome]) -> None:
        nonlocal done
        outcomes[index] = result
        done += len(result)
        if progress is not None:
            progress(done, total)

    def cancelled() -> bool:
        return cancel is not None and cancel()

    if workers <= 0:
        for index, chunk in enumerate(chunks):
            if cancelled():
                break
            finished(index, _render_chunk(chunk, str(target)))
    elif chunks:
        count = min(workers, os.cpu_count() or 1, len(chunks))
        context = multiprocessing.get_context("spawn")
        window = count * 2
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            pending: dict[Future[list[_Outcome]], int] = {}
            next_chunk = 0
            while next_chunk < len(chunks) or pending:
                while next_chunk < len(chunks) and len(pending) < window and not cancelled():
                    future = pool.submit(_render_chunk, chunks[next_chunk], str(target))
                    pending[future] = next_chunk
                    next_chunk += 1
                if cancelled():
                    next_chunk = len(chunks)
                if not pending:
                    break
                completed, _running = wait(pending, return_when=FIRST_COMPLETED)
                for future in completed:
                    finished(pending.pop(future), future.result())

    results: list[BatchResult] = []
    failed: list[tuple[str, str]] = []
    for index in sorted(outcomes):
        for outcome in outcomes[index]:
            for message in outcome.warnings:
                log.warning("%s: %s", outcome.number, message)
                if warnings is not None:
                    warnings.append(f"{outcome.number}: {message}")
            if outcome.error is not None or outcome.path is None or outcome.sha256 is None:
                failed.append((outcome.number, outcome.error or "not rendered"))
            else:
                results.append(BatchResult(outcome.number, Path(outcome.path), outcome.sha256))
    if failed:
        if errors is None:
            listing = "; ".join(f"{number}: {message}" for number, message in failed)
            raise DocumentError(f"{len(failed)} document(s) could not be rendered: {listing}")
        errors.extend(failed)
    return results
