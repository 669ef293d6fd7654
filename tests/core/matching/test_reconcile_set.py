"""The labelled reconciliation set: a year of invoices and a statement of payments.

The matcher runs on the whole statement, writes results.csv in the format the
set's own scorer reads, and the scorer's figures are printed and checked
against the targets: no wrong automatic application, at least 90% of payable
lines applied automatically, the right invoice first for at least 98% of the
payable lines left to a person.
"""

from __future__ import annotations

import importlib.util
import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from app.core.matching import MatchSettings, match_statement
from tests.core.matching.reconcile_sample import (
    load_clients,
    load_invoices,
    load_lines,
    write_results,
)

SAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "reconcile"


def _sample_folder() -> Path:
    for candidate in (SAMPLE, Path("/work/shared/samples/reconcile")):
        if (candidate / "expected.csv").exists():
            return candidate
    pytest.skip("the labelled reconciliation set (shared/samples/reconcile) is not here")


def _scorer(folder: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("reconcile_score", folder / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_set_meets_the_targets(tmp_path: Path) -> None:
    folder = _sample_folder()
    lines = load_lines(folder)
    results = match_statement(lines, load_invoices(folder), load_clients(folder), MatchSettings())
    assert [r.line_id for r in results] == [line.id for line in lines]
    results_csv = tmp_path / "results.csv"
    write_results(results_csv, lines, results)

    printed = io.StringIO()
    with redirect_stdout(printed):
        exit_code = _scorer(folder).main(str(folder / "expected.csv"), str(results_csv))
    report = printed.getvalue()
    print(report)

    payable = int(re.search(r"payable: (\d+)", report).group(1))
    auto_ok = int(re.search(r"auto-applied correctly: (\d+)", report).group(1))
    wrong = int(re.search(r"wrong auto-applications: (\d+)", report).group(1))
    top1, left = map(int, re.search(r"suggestions: (\d+) of (\d+)", report).groups())
    assert exit_code == 0
    assert wrong == 0
    assert auto_ok >= 0.90 * payable
    assert top1 >= 0.98 * left
    # Every line is explained in words, whatever was decided.
    assert all(r.explanation for r in results)
