"""RF creditor references (ISO 11649) and Swiss QRR references."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.creditor_reference import (
    find_qrr,
    find_rf,
    find_structured_references,
    format_qrr,
    format_rf,
    is_valid_qrr,
    is_valid_rf,
    make_qrr,
    make_rf,
)

# The example printed in ISO 11649 itself.
ISO_EXAMPLE = "RF18539007547034"
# The example reference of the Swiss QR-bill implementation guidelines.
SWISS_EXAMPLE = "210000000003139471430009017"


def test_iso_example_is_rebuilt_from_its_payload() -> None:
    assert make_rf("539007547034") == ISO_EXAMPLE
    assert is_valid_rf("RF18 5390 0754 7034")
    assert format_rf(ISO_EXAMPLE) == "RF18 5390 0754 7034"


def test_check_digits_of_a_one_character_payload() -> None:
    # "1" + "RF00" → digits 1 27 15 00 → 1271500; 1271500 mod 97 = 24
    # (97 × 13108 = 1271476); check digits 98 − 24 = 74.
    assert make_rf("1") == "RF741"


def test_payload_is_compacted_and_upper_cased() -> None:
    assert make_rf("inv 2026 42") == make_rf("INV202642")


@pytest.mark.parametrize("payload", ["", "A" * 22, "INV-2026", "ÄBC"])
def test_bad_payloads_are_refused(payload: str) -> None:
    with pytest.raises(ValueError):
        make_rf(payload)


def test_lower_case_and_spaced_references_are_valid() -> None:
    assert is_valid_rf("rf18 5390 0754 7034")
    assert not is_valid_rf("RF19 5390 0754 7034")
    assert not is_valid_rf("RF18")


def test_references_are_found_in_a_memo_without_swallowing_words() -> None:
    memo = "Payment rf18 5390 0754 7034 thanks, also RF741"
    assert find_rf(memo) == [ISO_EXAMPLE, "RF741"]


def test_a_reference_with_a_wrong_check_is_not_found() -> None:
    assert find_rf("RF19 5390 0754 7034") == []


def test_rf_must_start_a_word() -> None:
    assert find_rf("XRF18539007547034") == []


def test_swiss_example_is_valid_and_found_when_grouped() -> None:
    assert is_valid_qrr(SWISS_EXAMPLE)
    assert make_qrr("21000000000313947143000901") == SWISS_EXAMPLE
    printed = format_qrr(SWISS_EXAMPLE)
    assert printed == "21 00000 00003 13947 14300 09017"
    assert find_qrr(f"Ref 12 {printed} paid") == [SWISS_EXAMPLE]
    assert find_structured_references(f"{printed} / RF18 5390 0754 7034") == [
        ISO_EXAMPLE,
        SWISS_EXAMPLE,
    ]


def test_qrr_with_a_wrong_check_digit_is_refused() -> None:
    assert not is_valid_qrr(SWISS_EXAMPLE[:-1] + "8")
    assert find_qrr(SWISS_EXAMPLE[:-1] + "8") == []


payloads = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=21)


@given(payloads)
def test_every_made_reference_is_valid(payload: str) -> None:
    ref = make_rf(payload)
    assert is_valid_rf(ref)
    assert find_rf(f"paid {format_rf(ref).lower()} thank you") == [ref]


@given(payloads, st.data())
def test_one_changed_character_is_detected(payload: str, data: st.DataObject) -> None:
    """Mod 97 catches any single substitution of a digit by a digit or a letter by a letter."""
    ref = make_rf(payload)
    at = data.draw(st.integers(min_value=2, max_value=len(ref) - 1))
    alphabet = string.digits if ref[at].isdigit() else string.ascii_uppercase
    other = data.draw(st.sampled_from([c for c in alphabet if c != ref[at]]))
    assert not is_valid_rf(ref[:at] + other + ref[at + 1 :])


@given(payloads, st.data())
def test_swapped_neighbours_are_detected(payload: str, data: st.DataObject) -> None:
    ref = make_rf(payload)
    at = data.draw(st.integers(min_value=2, max_value=len(ref) - 2))
    if ref[at] == ref[at + 1] or ref[at].isdigit() != ref[at + 1].isdigit():
        return
    swapped = ref[:at] + ref[at + 1] + ref[at] + ref[at + 2 :]
    assert not is_valid_rf(swapped)


@given(st.text(alphabet=string.digits, min_size=26, max_size=26), st.data())
def test_qrr_detects_one_wrong_digit(payload: str, data: st.DataObject) -> None:
    ref = make_qrr(payload)
    assert is_valid_qrr(ref)
    at = data.draw(st.integers(min_value=0, max_value=26))
    other = data.draw(st.sampled_from([c for c in string.digits if c != ref[at]]))
    assert not is_valid_qrr(ref[:at] + other + ref[at + 1 :])
