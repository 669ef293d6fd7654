"""Rendering many invoices to files, with progress, cancel and per-document errors."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.documents import Branding
from app.core.money import Money
from app.pdf import BatchResult, DocumentError, render_batch, render_invoice

from .handmade import all_text, three_line_invoice


def _jobs(count: int) -> list:
    branding = Branding()
    return [(three_line_invoice(number=f"INV-B-{i:03d}"), branding) for i in range(count)]


def test_in_process_batch_writes_every_file_with_its_sha256(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    results = render_batch(_jobs(5), tmp_path, workers=0, progress=lambda d, t: seen.append((d, t)))
    assert [result.number for result in results] == [f"INV-B-{i:03d}" for i in range(5)]
    for result in results:
        data = result.path.read_bytes()
        assert result.path.parent == tmp_path
        assert result.path.name == f"invoice-{result.number}.pdf"
        assert hashlib.sha256(data).hexdigest() == result.sha256
        assert result.number in all_text(data)
    assert seen[-1] == (5, 5)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert not list(tmp_path.glob("*.part"))


def test_worker_processes_produce_the_same_bytes_as_this_process(tmp_path: Path) -> None:
    jobs = _jobs(6)
    results = render_batch(jobs, tmp_path, workers=2)
    assert len(results) == 6
    for (doc, branding), result in zip(jobs, results):
        expected = hashlib.sha256(render_invoice(doc, branding)).hexdigest()
        assert result == BatchResult(doc.number, tmp_path / f"invoice-{doc.number}.pdf", expected)


def test_cancel_stops_starting_new_documents(tmp_path: Path) -> None:
    cancelled = {"now": False}

    def progress(done: int, total: int) -> None:
        cancelled["now"] = True

    results = render_batch(
        _jobs(40), tmp_path, workers=0, progress=progress, cancel=lambda: cancelled["now"]
    )
    # In this process documents go one at a time: after the first, nothing new starts.
    assert len(results) == 1
    assert len(list(tmp_path.glob("*.pdf"))) == 1


def test_cancel_before_the_start_renders_nothing(tmp_path: Path) -> None:
    assert render_batch(_jobs(3), tmp_path, workers=2, cancel=lambda: True) == []


def test_a_bad_document_is_reported_and_the_others_are_written(tmp_path: Path) -> None:
    jobs = _jobs(3)
    broken = replace(jobs[1][0], lines=[])
    jobs[1] = (broken, jobs[1][1])
    errors: list[tuple[str, str]] = []
    results = render_batch(jobs, tmp_path, workers=0, errors=errors)
    assert [result.number for result in results] == ["INV-B-000", "INV-B-002"]
    assert errors == [
        ("INV-B-001", "invoice INV-B-001 has no lines; a document must list at least one item")
    ]


def test_without_an_error_list_failures_raise_after_the_rest_is_written(tmp_path: Path) -> None:
    jobs = _jobs(2)
    usd = Money.of("1", "USD")
    jobs[0] = (replace(jobs[0][0], subtotal=usd), jobs[0][1])
    with pytest.raises(DocumentError, match=r"1 document.*INV-B-000.*mixes currencies"):
        render_batch(jobs, tmp_path, workers=0)
    assert (tmp_path / "invoice-INV-B-001.pdf").exists()


def test_documents_that_would_overwrite_each_other_are_refused(tmp_path: Path) -> None:
    jobs = [
        (three_line_invoice(number="A/1"), Branding()),
        (three_line_invoice(number="A:1"), Branding()),
    ]
    with pytest.raises(DocumentError, match=r"both be written as invoice-A_1\.pdf"):
        render_batch(jobs, tmp_path, workers=0)


def test_logo_warnings_are_collected_per_document(tmp_path: Path) -> None:
    jobs = [(three_line_invoice(), Branding(logo_path=str(tmp_path / "missing.png")))]
    warnings: list[str] = []
    render_batch(jobs, tmp_path / "out", workers=0, warnings=warnings)
    assert len(warnings) == 1 and warnings[0].startswith("INV-2024-0042: logo")


def test_cancel_with_worker_processes_lets_running_work_finish(tmp_path: Path) -> None:
    flag = {"cancel": False}
    results = render_batch(
        _jobs(200),
        tmp_path,
        workers=2,
        progress=lambda done, total: flag.update(cancel=True),
        cancel=lambda: flag["cancel"],
    )
    # 200 jobs go in chunks of 200 // 16 = 12, at most four chunks in flight: after the
    # first chunk reports, the ones already submitted finish and nothing else starts.
    assert 12 <= len(results) <= 4 * 12
    for result in results:
        assert hashlib.sha256(result.path.read_bytes()).hexdigest() == result.sha256
    assert len(list(tmp_path.glob("*.pdf"))) == len(results)
