"""Golden tests: the OFX/QFX and QIF sample files.

Values were read by hand from the raw files; each check names the raw line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bankfile_samples import at_line, read_sample


def test_ofx2_suncorp_cdata_and_untrustworthy_fitid() -> None:
    st = read_sample("ofx/AU_Suncorp_ofx200.ofx")
    assert st.format == "ofx"
    assert len(st.lines) == 1
    line = st.lines[0]
    # lines 35-44: <DTPOSTED>20131215 <TRNAMT>-16.85 <FITID>1
    #   <NAME><![CDATA[EFTPOS WDL HANDYWAY ALDI STORE  ]]>
    #   <MEMO><![CDATA[EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU]]>
    assert line.booking_date == date(2013, 12, 15)
    assert line.amount == D("-16.85")
    assert line.currency == "AUD"
    assert line.counterparty == "EFTPOS WDL HANDYWAY ALDI STORE"
    assert line.description == "EFTPOS WDL HANDYWAY ALDI STORE GEELONG WEST VICAU"
    assert line.bank_transaction_id is None  # FITID "1" identifies nothing
    assert st.account_id == "123456789"
    assert st.closing_balance == D("1234.12")  # LEDGERBAL/BALAMT


def test_ofx1_nubank_sgml_unclosed_leaves_and_gmt_offsets() -> None:
    st = read_sample("ofx/BR_Nubank_creditcard_sgml.ofx")
    assert len(st.lines) == 6
    assert st.currency == "BRL"
    # lines 40-46: <DTPOSTED>20240323000000[-3:GMT] <TRNAMT>-13.00
    #   <FITID>11111111-UUID-4747-8883-111111111111 <MEMO>-memo-message-
    first = at_line(st, 40)
    assert first.booking_date == date(2024, 3, 23)
    assert first.amount == D("-13.00")
    assert first.description == "-memo-message-"
    assert first.bank_transaction_id == "11111111-UUID-4747-8883-111111111111"
    # lines 80-86: 20240322…, -959.00
    assert at_line(st, 80).amount == D("-959.00")
    assert at_line(st, 80).booking_date == date(2024, 3, 22)
    assert st.closing_balance == D("-1280.91")


def test_ofx1_header_claiming_ascii_is_overruled_by_the_bytes() -> None:
    st = read_sample("ofx/CA_accented_latin1_sgml.ofx")
    assert st.encoding == "cp1252"
    assert len(st.lines) == 1
    # lines 46-53: <DTPOSTED>20140920170000[0:GMT] <TRNAMT>-58.73 … <NAME>Virement Interac \xe0: Jean
    line = st.lines[0]
    assert line.booking_date == date(2014, 9, 20)
    assert line.amount == D("-58.73")
    assert line.counterparty == "Virement Interac à: Jean"
    assert line.bank_transaction_id == "201409206"  # CORRECTACTION REPLACE of itself: kept


def test_qfx_amex_whole_body_on_one_line() -> None:
    st = read_sample("ofx/US_AMEX_creditcard_intu-singleline.ofx")
    assert len(st.lines) == 27
    assert all(line.line_no == 11 for line in st.lines)  # the body is line 11
    first = st.lines[0]
    # <DTPOSTED>20131121000000.000[-7:MST]<TRNAMT>-29<FITID>320133250213757584
    # <NAME>JEFFREY'S 0252      NEW YORK   <MEMO>0000000681  646-429-8383
    assert first.booking_date == date(2013, 11, 21)
    assert first.amount == D("-29")
    assert first.counterparty == "JEFFREY'S 0252 NEW YORK"
    assert first.description == "0000000681 646-429-8383"
    assert first.bank_transaction_id == "320133250213757584"
    barnes = next(line for line in st.lines if line.amount == D("-30.49"))
    assert barnes.counterparty == "BARNES & NOBLE 2675 NEW YORK"  # written BARNES &amp; NOBLE
    assert barnes.booking_date == date(2013, 11, 2)
    assert st.closing_balance == D("-2093.01")


def test_ofx2_decimal_comma_amounts() -> None:
    st = read_sample("ofx/XX_euro_decimal-comma_ofx2.ofx")
    assert len(st.lines) == 2
    assert st.detection.get("decimal_mark").value == ","
    # lines 38-44: CHECK, 20051004, -200,00, CHECKNUM 1000
    check = at_line(st, 38)
    assert check.booking_date == date(2005, 10, 4)
    assert check.amount == D("-200.00")
    assert check.description == "CHECK 1000"
    # lines 45-51: ATM, 20051020, -300,00
    assert at_line(st, 45).amount == D("-300.00")
    assert st.closing_balance == D("200.29")
    assert st.currency == "USD"  # CURDEF, whatever the amounts look like


def test_qif_y2k_three_digit_years_and_payee_glued_to_the_date() -> None:
    st = read_sample("qif/US_AZ_web-download_y2k.qif")
    assert st.format == "qif"
    assert len(st.lines) == 7
    # lines 2-7: D03/25/099Share Withdrawal / T-99.99 / C* / PShare Withdrawal / M
    first = at_line(st, 2)
    assert first.booking_date == date(1999, 3, 25)
    assert first.amount == D("-99.99")
    assert first.description == "Share Withdrawal"
    # lines 8-13: D03/24/099Point of Sale Transaction … M   TGI FRIDAYS #1859      SCOTTSDALE   AZUS
    pos = at_line(st, 8)
    assert pos.booking_date == date(1999, 3, 24)
    assert pos.counterparty == "Point of Sale Transaction"
    assert pos.description == "TGI FRIDAYS #1859 SCOTTSDALE AZUS"
    # lines 32-37: D03/19/099Direct Deposit / T99.99
    assert at_line(st, 32).amount == D("99.99")
    assert at_line(st, 32).description == "ADMINISTAFF COMP"


def test_qif_month_first_and_day_first_twins_give_the_same_dates() -> None:
    mdy = read_sample("qif/XX_OCA_mdy.qif")
    dmy = read_sample("qif/XX_OCA_dmy.qif")
    assert len(mdy.lines) == len(dmy.lines) == 5
    # mdy line 2: D8/12/13, dmy line 2: D12/8/13 → 12 August 2013; T-1,000.00
    assert at_line(mdy, 2).booking_date == at_line(dmy, 2).booking_date == date(2013, 8, 12)
    assert at_line(mdy, 2).amount == at_line(dmy, 2).amount == D("-1000.00")
    # line 6: D8/15/13 and D15/8/13 settle the order for each file
    assert at_line(mdy, 6).booking_date == at_line(dmy, 6).booking_date == date(2013, 8, 15)
    # line 14: ambiguous D3/4/13 (mdy) and D4/3/13 (dmy) → 4 March 2013 in both
    assert at_line(mdy, 14).booking_date == at_line(dmy, 14).booking_date == date(2013, 3, 4)
    assert at_line(dmy, 14).counterparty == "YOUR LOCAL SUPERMARKET"
    assert mdy.detection.get("date_format").value == "month/day/year"
    assert dmy.detection.get("date_format").value == "day/month/year"
