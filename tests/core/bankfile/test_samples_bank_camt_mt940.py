"""Golden tests: the ISO 20022 camt and SWIFT MT940 sample files.

Values were read by hand from the raw files; each check names the raw line
of the entry (camt ``<Ntry>``, MT940 ``:61:``).  Where a file's balances are
consistent, the check "opening balance + lines = closing balance" is done
with the sum written out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bankfile_samples import at_line, read_sample


def test_camt053_abn_no_declaration_batch_split() -> None:
    st = read_sample("camt053/NL_ABN-AMRO_camt053v02_OCA.xml")
    assert st.format == "camt.053"
    assert len(st.lines) == 4  # 3 entries, the batch entry carries 2 TxDtls
    assert st.account_iban == "NL77ABNA0574908765"
    assert (st.opening_balance, st.closing_balance) == (D("15568.27"), D("15121.12"))
    # line 50 <Ntry>: 754.25 DBIT, Cdtr INSURANCE COMPANY TESTX, CdtrAcct NL46ABNA0499998748
    insurance = at_line(st, 50)
    assert insurance.amount == D("-754.25")
    assert insurance.booking_date == date(2014, 1, 5)
    assert insurance.counterparty == "INSURANCE COMPANY TESTX"
    assert insurance.counterparty_iban == "NL46ABNA0499998748"
    assert insurance.description == "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014"
    # line 113 <Ntry>: batch of 664.05 DBIT split into TxDtls 564.05 and 100.00
    assert at_line(st, 113, 0).amount == D("-564.05")
    assert at_line(st, 113, 1).amount == D("-100.00")
    assert at_line(st, 113, 1).description == "Direct Debit S14 0410"
    # line 228 <Ntry>: 1405.31 CRDT: the counterparty is the debtor
    income = at_line(st, 228)
    assert income.amount == D("1405.31")
    assert income.counterparty == "3rd party Media"
    assert income.counterparty_iban == "NL69ABNA0522123643"
    assert income.description == "#RD PARTY MEDIA CUSNO 90782 4210773"


def test_camt053_sps2_v08_party_names_under_pty() -> None:
    st = read_sample("camt053/CH_SPS2_camt053v08.xml")
    assert len(st.lines) == 1
    line = st.lines[0]
    # line 99 <Ntry>: 1284.30 CHF CRDT, BookgDt 2023-01-25, Dbtr/Pty/Nm PAYEE, Ustrd PAYMENT INFO
    assert line.line_no == 99
    assert line.amount == D("1284.30")
    assert line.currency == "CHF"
    assert line.counterparty == "PAYEE"
    assert line.description == "PAYMENT INFO"
    # 832.01 opening + 1284.30 = 2116.31 closing
    assert st.opening_balance + line.amount == st.closing_balance == D("2116.31")
    assert st.account_id == "0035-2915203-10-000"


def test_camt053_raiffeisen_dates_with_offsets_and_entry_text() -> None:
    st = read_sample("camt053/CH_Raiffeisen_camt053v04.xml")
    assert len(st.lines) == 16
    # line 54 <Ntry>: 905.3 DBIT, BookgDt 2017-04-01+02:00, ValDt 2017-04-03+02:00
    first = at_line(st, 54)
    assert (first.booking_date, first.value_date) == (date(2017, 4, 1), date(2017, 4, 3))
    assert first.amount == D("-905.3")
    # line 82 <Ntry>: AddtlNtryInf with an embedded newline
    assert at_line(st, 82).description == (
        "Acquisto MIGROS M ARBEDO-CAST 31.03.2017/13:30 / N. carta Maestro xxxxxxxx"
    )
    assert at_line(st, 363).amount == D("368")  # the only credit
    # debits 905.3+158.5+38+14.5+155.85+240+1395+49.7+799.75+136.6+71.8+18.1+13.95+34+16.8
    # = 4047.85; credit 368; 9433.31 - 4047.85 + 368 = 5753.46
    assert st.opening_balance + sum(line.amount for line in st.lines) == st.closing_balance
    assert st.closing_balance == D("5753.46")


def test_camt053_postfinance_crlf_redacted_currency() -> None:
    st = read_sample("camt053/CH_PostFinance_camt053v02_crlf.xml")
    assert len(st.lines) == 5
    assert {line.currency for line in st.lines} == {"XXX"}
    assert st.account_iban == "CH2609000000924238861"
    # line 49 <Ntry>: 10000.00 CRDT 2016-04-23, AcctSvcrRef 20160423000805545979476000000012
    first = at_line(st, 49)
    assert first.amount == D("10000.00")
    assert first.booking_date == date(2016, 4, 23)
    assert first.description == "Account Transfer"
    assert first.bank_transaction_id == "20160423000805545979476000000012"
    assert at_line(st, 221).amount == D("10.00")


def test_camt053_lt_booking_datetime_and_lithuanian_text() -> None:
    st = read_sample("camt053/LT_camt053v02.xml")
    assert len(st.lines) == 4
    # line 82 <Ntry>: 0.29 DBIT, BookgDt/DtTm 2015-12-31T00:00:00, ValDt 2016-01-01
    first = at_line(st, 82)
    assert (first.booking_date, first.value_date) == (date(2015, 12, 31), date(2016, 1, 1))
    assert first.amount == D("-0.29")
    assert first.description == "Sąskaitos aptarnavimo mokestis"
    assert first.counterparty == "AB DNB Bankas"
    # 306.53 - (0.29 + 0.29 + 28.19 + 152.24 = 181.01) = 125.52
    assert st.opening_balance + sum(line.amount for line in st.lines) == D("125.52")
    assert st.closing_balance == D("125.52")


def test_camt054_qrr_reference_is_the_line_reference() -> None:
    st = read_sample("camt054/CH_SPS_camt054v04_OCA.xml")
    assert st.format == "camt.054"
    assert len(st.lines) == 1
    line = st.lines[0]
    # line 31 <Ntry>: 5.00 EUR CRDT, Dbtr Test Customer, CdtrRefInf Prtry QRR
    #   Ref 000000000000000000000000003, AddtlNtryInf "Additional entry info"
    assert line.amount == D("5.00")
    assert line.reference == "000000000000000000000000003"
    assert line.counterparty == "Test Customer"
    assert line.counterparty_iban == "NL46ABNA0499998748"
    assert line.description == "Additional entry info"
    assert st.opening_balance is None and st.closing_balance is None


def test_mt940_abn_header_lines_and_amount_without_decimals() -> None:
    st = read_sample("mt940/NL_ABN-AMRO.sta")
    assert st.format == "mt940"
    assert len(st.lines) == 10  # two statements
    # line 8: :61:1105240524D9,N192NONREF then a :86: wrapped over three lines
    first = at_line(st, 8)
    assert first.amount == D("-9")
    assert first.booking_date == date(2011, 5, 24)
    assert first.description == (
        "GIRO 428428 KPN - DIGITENNE BETALINGSKENM. 000000042188659 5314606715 "
        "BETREFT FACTUUR D.D. 20-05-2011 INCL. 1,44 BTW"
    )
    # line 12: :61:1105210523D11,59 → value date 21 May, entry (booking) date 23 May
    card = at_line(st, 12)
    assert (card.booking_date, card.value_date) == (date(2011, 5, 23), date(2011, 5, 21))
    assert card.amount == D("-11.59")
    assert at_line(st, 38).description == "52.89.39.882 MYCOM DEN HAAG"
    assert st.opening_balance == D("3236.28")  # first :60F:
    assert st.closing_balance == D("1849.75")  # last :62M:


def test_mt940_ing_swift_blocks_structured_86_and_wrapped_fields() -> None:
    st = read_sample("mt940/NL_ING_swift-blocks.940")
    assert len(st.lines) == 8
    assert st.account_iban == "NL77INGB0574908765"  # :25:NL77INGB0574908765EUR
    # line 9: :61:1402200220C1,56NTRFEREF//00000000001 + "005" on the next line
    first = at_line(st, 9)
    assert first.amount == D("1.56")
    assert first.bank_transaction_id == "00000000001005"
    assert first.counterparty == "ING BANK NV INZAKE WEB"
    assert first.counterparty_iban == "NL32INGB0000012345"
    assert first.description == "EV10001REP1000000T1000"
    # line 21: :86: broken mid-value, with a lone "-" line inside the mandate reference
    assert at_line(st, 21).description == "EV123REP123412T1234"
    assert at_line(st, 21).amount == D("-1.14")
    # line 47: /REMI/STRD/CUR/9001123412341234/ is a structured payment reference
    assert at_line(st, 47).reference == "9001123412341234"
    # 662.23 + 1.56 - 1.57 + 1.57 - 1.14 + 1.45 - 12.75 + 32.00 - 119.00 = 564.35
    assert st.opening_balance + sum(line.amount for line in st.lines) == D("564.35")
    assert st.closing_balance == D("564.35")


def test_mt940_mbank_control_characters_and_supplementary_details() -> None:
    st = read_sample("mt940/PL_mBank_soh.sta")
    assert len(st.lines) == 3
    assert st.currency == "PLN"
    # line 6: :61:1701190119CN0,01NTRFNONREF//MB170119012058 / 911-TRANSAKCJA IPH
    first = at_line(st, 6)
    assert first.amount == D("0.01")
    assert first.bank_transaction_id == "MB170119012058"
    assert first.description.startswith("911-TRANSAKCJA IPH 911 TRANSAKCJA COLLECT;")
    assert "TYT.: PRZELEW SRODKOW" in first.description
    assert st.opening_balance + sum(line.amount for line in st.lines) == D("0.43")


def test_mt940_raiffeisen_hu_cp852_and_funds_code() -> None:
    st = read_sample("mt940/HU_Raiffeisen_cp852.sta")
    assert st.encoding == "cp852"
    assert len(st.lines) == 7
    # line 6: :61:180417CF2066637,00N527 / Csoportos átutalás jóváírása
    first = at_line(st, 6)
    assert first.amount == D("2066637.00")
    assert first.booking_date == date(2018, 4, 17)
    assert first.description.startswith("Csoportos átutalás jóváírása")
    # line 19: :61:180417DF3051800,00N061
    assert at_line(st, 19).amount == D("-3051800.00")
    assert st.currency == "HUF"


def test_mt940_german_sepa_subfields_and_cr_dr_marks() -> None:
    st = read_sample("mt940/DE_SEPA_structured86.sta")
    assert len(st.lines) == 11
    # line 5: :61:0709070904CR50990,05NTRFNONREF//0724710333343453
    #   :86:166?00GUTSCHRIFT?100399?20EREF+EndToEndId TFNR 22 004?21 00001?22 / SVWZ+Verw …
    first = at_line(st, 5)
    assert first.amount == D("50990.05")
    assert (first.booking_date, first.value_date) == (date(2007, 9, 4), date(2007, 9, 7))
    assert first.description == "Verw CTSc-01 BC-PPP TFNr 22 004"
    assert first.counterparty == "KARL KAUFMANN"  # ?32KARL?33        KAUFMANN
    assert first.counterparty_iban == "DE14508800500194785000"  # ?31 wrapped over two lines
    # line 19: :61:0709040904DR1500,00NTRFKREF+//536D80EFEC56ACF8
    assert at_line(st, 19).amount == D("-1500.00")
    # line 35: :61:0709040904CR15000,NTRF… (no decimals after the comma)
    assert at_line(st, 35).amount == D("15000")
    assert at_line(st, 53).amount == D("-3572569.03")
    assert st.detection.get("accounts").doubtful  # two accounts in one file
