"""Details of the OFX, QIF, camt and MT940 readers beyond the sample files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from app.core.bankfile import parse_statement

MT940 = """:20:STMT1
:25:NL91ABNA0417164300EUR
:28C:1/1
:60F:C231229EUR100,00
:61:2401021231D25,00NTRFNONREF//BANKREF00000001
:86:/EREF/INV-17//REMI/USTD//Card payment Dec/
:61:240103RC10,00NTRFNONREF//BANKREF00000002
:86:Reversal of a credit
:61:240103RD5,50NCHGNONREF//BANKREF00000003
:86:Fee refunded
:62F:C240103EUR70,50
-
"""


def test_mt940_entry_date_before_new_year_and_reversal_marks() -> None:
    st = parse_statement(MT940.encode(), "stmt.sta")
    card, reversal, refund = st.lines
    # :61:2401021231… value date 2 Jan 2024, entry (booking) date 31 December 2023
    assert (card.booking_date, card.value_date) == (date(2023, 12, 31), date(2024, 1, 2))
    assert card.amount == D("-25.00")
    assert card.description == "Card payment Dec"
    assert card.bank_transaction_id == "BANKREF00000001"
    assert reversal.amount == D("-10.00")  # RC: reversal of a credit takes money out
    assert refund.amount == D("5.50")  # RD: reversal of a debit brings money in
    # 100.00 - 25.00 - 10.00 + 5.50 = 70.50
    assert st.opening_balance + sum(line.amount for line in st.lines) == st.closing_balance
    assert st.account_iban == "NL91ABNA0417164300"


def test_mt940_unreadable_61_is_a_line_problem() -> None:
    text = MT940.replace(":61:240103RC10,00", ":61:2401XXRC10,00")
    st = parse_statement(text.encode(), "stmt.sta")
    assert len(st.lines) == 2
    assert [p.line_no for p in st.problems] == [7]
    assert "cannot read the :61: line" in st.problems[0].reason


def test_ofx_transaction_without_date_is_a_line_problem() -> None:
    text = (
        "OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\n"
        "<BANKACCTFROM><ACCTID>12345678</BANKACCTFROM><BANKTRANLIST>\n"
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240230<TRNAMT>-1.00<FITID>A1</STMTTRN>\n"
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240228<TRNAMT>-2.00<FITID>A2</STMTTRN>\n"
        "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
    st = parse_statement(text.encode(), "x.ofx")
    assert [line.amount for line in st.lines] == [D("-2.00")]
    assert st.problems[0].line_no == 6
    assert "impossible date" in st.problems[0].reason


def test_qif_ambiguous_order_defaults_to_month_first_and_says_so() -> None:
    text = "!Type:Bank\nD01/02/2024\nT-1.00\nPA\n^\nD01/03/2024\nT-2.00\nPB\n^\n"
    st = parse_statement(text.encode(), "x.qif")
    choice = st.detection.get("date_format")
    assert choice.doubtful
    assert [line.booking_date for line in st.lines] == [date(2024, 1, 2), date(2024, 1, 3)]


def test_camt_informational_entry_is_pending_and_reversal_sign_follows_the_indicator() -> None:
    text = (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt>'
        "<Rpt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        '<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt>"
        "<AddtlNtryInf>Return of a credit</AddtlNtryInf></Ntry>"
        '<Ntry><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Sts><Cd>INFO</Cd></Sts><ValDt><Dt>2024-03-05</Dt></ValDt>"
        "<AddtlNtryInf>Expected incoming payment</AddtlNtryInf></Ntry>"
        "</Rpt></BkToCstmrAcctRpt></Document>"
    )
    st = parse_statement(text.encode(), "intraday.xml")
    assert st.format == "camt.052"
    returned, expected = st.lines
    assert returned.amount == D("-10.00") and not returned.pending
    assert expected.pending and expected.booking_date == date(2024, 3, 5)
