"""Golden tests: every delimited sample export, read without any per-bank set-up.

Expected values were written by hand from the raw files; each check names the
raw line it was read from (physical line numbers, 1-based).  Counts are the
MANIFEST's "txns" column.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bankfile_samples import at_line, read_sample

from app.core.bankfile import ColumnRole, line_keys


def test_de_ing_preamble_duplicate_currency_and_running_balance() -> None:
    st = read_sample("csv/DE_ING_umsatzanzeige_with_saldo.csv")
    assert len(st.lines) == 9
    assert st.detection.get("header").value == "line 15"  # 14 preamble lines precede it
    assert st.account_iban == "DE12345678901234567890"  # line 4: "IBAN;DE12 3456 7890 1234 5678 90"
    assert st.currency == "EUR"
    # line 16: 28.12.2018;28.12.2018;PayDude (Europe) …;Lastschrift;PP.1234.PP . Blumen Berther;
    #          150,00;EUR;-5,50;EUR
    first = at_line(st, 16)
    assert first.booking_date == date(2018, 12, 28)
    assert first.amount == D("-5.50")
    assert first.counterparty == "PayDude (Europe) S.a.r.l. et Cie., S .C.A."
    assert first.description == "PP.1234.PP . Blumen Berther"
    assert first.balance_after == D("150.00")
    # line 17: Karl Karlsen, balance written "155,5", amount 50,00
    assert at_line(st, 17).amount == D("50.00")
    assert at_line(st, 17).balance_after == D("155.50")
    # line 21: 10.12.2018;28.12.2018;VISA Hotel XY;Lastschrift;Übernachtung in Neuenhausen …;-150,00
    hotel = at_line(st, 21)
    assert (hotel.booking_date, hotel.value_date) == (date(2018, 12, 10), date(2018, 12, 28))
    assert hotel.description == "Übernachtung in Neuenhausen am 21.05.2017"
    assert hotel.amount == D("-150.00")


def test_de_ing_balance_column_is_the_balance_after_each_line() -> None:
    st = read_sample("csv/DE_ING_umsatzanzeige_with_saldo.csv")
    assert st.detection.get("balance").value == "after"
    # newest first: 155,5 (line 17) + -5,50 (line 16) = 150,00, the balance on line 16
    assert at_line(st, 17).balance_after + at_line(st, 16).amount == at_line(st, 16).balance_after


def test_de_sparkasse_pending_line_is_flagged_not_dropped() -> None:
    st = read_sample("csv/DE_Sparkasse-Freiburg_umsatz.csv")
    assert len(st.lines) == 18
    assert len(st.pending) == 1
    # line 2: "03.04.18";"04.04.18";"FOLGELASTSCHRIFT";…;"1u1 Telecom GmbH      …  Elgendorfer
    #         Str. 57";…;"-22,59";"EUR";"Umsatz vorgemerkt"
    pending = at_line(st, 2)
    assert pending.pending
    assert pending.booking_date == date(2018, 4, 3)
    assert pending.value_date == date(2018, 4, 4)
    assert pending.amount == D("-22.59")
    assert pending.counterparty == "1u1 Telecom GmbH Elgendorfer Str. 57"
    # line 15: "27.03.18";…;"LOHN / GEHALT 03/18 ";…;"FIRMA GMBH";…;"1060,22" (no thousands dot)
    salary = at_line(st, 15)
    assert not salary.pending
    assert salary.amount == D("1060.22")
    assert salary.description == "LOHN / GEHALT 03/18"
    assert salary.counterparty == "FIRMA GMBH"
    # line 16: cash withdrawal booked 26.03.18 with value date 24.03.18, account 1234123412
    cash = at_line(st, 16)
    assert (cash.booking_date, cash.value_date) == (date(2018, 3, 26), date(2018, 3, 24))
    assert cash.counterparty_iban == "1234123412"


def test_de_sparkasse_zero_amount_settlement_lines_are_kept() -> None:
    st = read_sample("csv/DE_Sparkasse-Freiburg_umsatz.csv")
    # line 11: ABSCHLUSS with amount "0,00" and a very long purpose text
    settlement = at_line(st, 11)
    assert settlement.amount == D("0")
    assert settlement.description.startswith("Abrechnung 29.03.2018 siehe Anlage")
    assert len(settlement.description) > 500


def test_de_gls_purpose_split_over_vwz_columns() -> None:
    st = read_sample("csv/DE_GLS-Bank_umsaetze.csv")
    assert len(st.lines) == 1
    # line 2 (no final newline): 1234567890;10.10.2017;10.10.2017;Drillisch Online AG;
    #   "SEPA-Basislastschrift";B4658645 U123456789 B123456;987 SIMply Rechnung;…;-98,76;1.234,56;EUR
    line = at_line(st, 2)
    assert line.booking_date == date(2017, 10, 10)
    assert line.amount == D("-98.76")
    assert line.counterparty == "Drillisch Online AG"
    assert line.description == "B4658645 U123456789 B123456 987 SIMply Rechnung"
    assert line.balance_after == D("1234.56")
    assert line.currency == "EUR"
    assert st.detection.get("encoding").value == "cp1252"  # header umlauts "Empfänger"


def test_at_easybank_headerless_with_explicit_signs() -> None:
    st = read_sample("csv/AT_easybank_giro.csv")
    assert len(st.lines) == 10
    assert st.detection.get("header").value == "none"
    assert st.account_iban == "AT123456789012345678"
    # line 1: …;Einbehaltene KESt   …   BG/000000001     ;01.01.2014;31.12.2013;-0,42;EUR
    first = at_line(st, 1)
    assert (first.booking_date, first.value_date) == (date(2014, 1, 1), date(2013, 12, 31))
    assert first.amount == D("-0.42")
    assert first.description == "Einbehaltene KESt BG/000000001"
    assert at_line(st, 2).amount == D("1.23")  # "+1,23"
    assert at_line(st, 5).amount == D("-1001.00")  # "-1.001,00"
    assert at_line(st, 10).booking_date == date(2015, 10, 7)


def test_at_ing_soll_haben_both_filled_with_zero() -> None:
    st = read_sample("csv/AT_ING-DiBa_soll-haben.csv")
    assert len(st.lines) == 6
    assert st.detection.get("amount_convention").value == "debit_credit"
    # line 2: …;Habenzinsen;31.12.2013;EUR;0,00;12,23  → money in
    assert at_line(st, 2).amount == D("12.23")
    # line 3: …;Kapitalertragsteuer;31.12.2013;EUR;34,56;0,00  → debit written positive
    tax = at_line(st, 3)
    assert tax.amount == D("-34.56")
    assert tax.description == "Kapitalertragsteuer"
    # line 6: …;Auszahlung - XXX;27.08.2013;EUR;1.500,00;0,00
    assert at_line(st, 6).amount == D("-1500.00")
    assert at_line(st, 6).booking_date == date(2013, 8, 27)


def test_at_livebank_ragged_rows_spill_into_the_description() -> None:
    st = read_sample("csv/AT_livebank_umsaetze.csv")
    assert len(st.lines) == 6
    assert sum(1 for line in st.lines if line.amount == 0) == 3  # zero-amount notices
    # line 2: 12345678;1;2013-07-03;2013-07-03;2013-07-03-08.21.36.47192;"";EUR;150,00;
    #         "Datenträger-Umsatz";A name;"A text";"REF: XXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    first = at_line(st, 2)
    assert first.booking_date == date(2013, 7, 3)
    assert first.amount == D("150.00")
    assert first.description == "A name A text REF: XXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    # line 5: 5.000,00 with a thousands dot
    assert at_line(st, 5).amount == D("5000.00")
    assert at_line(st, 4).amount == D("-100.00")
    assert at_line(st, 3).description.startswith("Änderungsmitteilung gemäß Paragraph 29 ZaDiG")


def test_nl_ing_af_bij_sign_and_buried_value_date() -> None:
    st = read_sample("csv/NL_ING_af-bij.csv")
    assert len(st.lines) == 6
    assert st.account_iban == "NL99INGB9999999999"
    # line 2: "20200213","Kosten OranjePakket met korting",…,"Af","1,25",…,
    #         "1 jan t/m 31 jan 2020 ING BANK N.V. Valutadatum: 13-02-2020"
    fee = at_line(st, 2)
    assert fee.booking_date == date(2020, 2, 13)
    assert fee.amount == D("-1.25")
    assert fee.counterparty == "Kosten OranjePakket met korting"
    assert fee.value_date == date(2020, 2, 13)
    # line 5: "20191213","PAULISSEN G J L M",…,"NL99ASNB9999999999","OV","Bij","20,00"
    transfer = at_line(st, 5)
    assert transfer.amount == D("20.00")
    assert transfer.counterparty_iban == "NL99ASNB9999999999"
    assert transfer.currency == "EUR"  # from the header "Bedrag (EUR)"


def test_nl_ing_exact_duplicates_are_both_kept_with_distinct_keys() -> None:
    st = read_sample("csv/NL_ING_af-bij.csv")
    # lines 6 and 7 are byte-for-byte the same transaction (-0,31 on 20191213)
    sixth, seventh = at_line(st, 6), at_line(st, 7)
    assert (sixth.booking_date, sixth.amount, sixth.description) == (
        seventh.booking_date,
        seventh.amount,
        seventh.description,
    )
    keys = line_keys(st.lines, "NL99INGB9999999999")
    assert len(set(keys)) == 6
    assert keys == line_keys(read_sample("csv/NL_ING_af-bij.csv").lines, "NL99INGB9999999999")


def test_nl_knab_title_line_trailing_delimiter_and_whole_amounts() -> None:
    st = read_sample("csv/NL_Knab_transactieoverzicht.csv")
    assert len(st.lines) == 28
    assert st.detection.get("header").value == "line 2"  # line 1 is "KNAB EXPORT;;;;…"
    # line 3: "NL99KNAB9999999999";"21-06-2019";"EUR";"D";"827,75";"FR99…";"Gert Janssen (FR)";
    #         …;"Tresorie";…;"B9F21PGYA068V2KD";"21-06-2019";
    first = at_line(st, 3)
    assert first.booking_date == date(2019, 6, 21)
    assert first.amount == D("-827.75")
    assert first.counterparty == "Gert Janssen (FR)"
    assert first.description == "Tresorie"
    assert first.bank_transaction_id == "B9F21PGYA068V2KD"
    # line 5: "D";"2500" — a whole number without decimals
    assert at_line(st, 5).amount == D("-2500")
    # line 9: Transactiedatum 09-06-2019 but Boekdatum 10-06-2019: the booking date is used
    assert at_line(st, 9).booking_date == date(2019, 6, 10)
    # line 30: "C";"7,02";"";"Knab";…;"Rente"
    assert at_line(st, 30).amount == D("7.02")
    assert at_line(st, 30).counterparty == "Knab"


def test_nl_asn_headerless_balance_before_the_line() -> None:
    st = read_sample("csv/NL_ASN_transactie-historie_noheader.csv")
    assert len(st.lines) == 11
    assert st.detection.get("balance").value == "before"
    # line 1: 17-06-2022,NL00ASNB…,NL99ASNB0000000000,XXXXXXXXX Z Z Z Z,…,EUR,130.44,EUR,223.77,…
    first = at_line(st, 1)
    assert first.booking_date == date(2022, 6, 17)
    assert first.amount == D("223.77")
    assert first.counterparty_iban == "NL99ASNB0000000000"
    assert first.balance_after == D("354.21")  # 130.44 before + 223.77
    # line 2: …,EUR,354.21,EUR,-200.00,…,'000…0 1111111111111111 Betaling aan ICS …',26
    second = at_line(st, 2)
    assert second.amount == D("-200.00")
    assert second.balance_after == D("154.21")  # 354.21 - 200.00
    assert second.description.startswith("000000000000000000000000000000000 1111111111111111")
    assert "'" not in second.description  # the single quotes around free text are removed
    assert at_line(st, 8).description == "Virement de Compte Commun"
    assert at_line(st, 11).amount == D("-560.00")
    assert st.account_iban == "NL00ASNB9999999999"


def test_nl_asn_second_date_column_is_offered_as_value_date_but_flagged() -> None:
    st = read_sample("csv/NL_ASN_transactie-historie_noheader.csv")
    # line 6: 28-06-2022 booking, then 29-06-2022 and 28-06-2022 in columns 12 and 13: without a
    # header nothing says which of the two is the value date, so the guess is marked doubtful
    assert at_line(st, 6).booking_date == date(2022, 6, 28)
    value_column = next(c for c in st.detection.all("column") if c.value == "value_date")
    assert value_column.doubtful


def test_nl_rabobank_doubled_cr_and_missing_opening_quote() -> None:
    st = read_sample("csv/NL_Rabobank_CSV_A_2018.csv")
    assert len(st.lines) == 3
    assert not st.problems
    assert st.account_iban == "NL77RABO0311467415"
    # line 2: …,"2018-03-01","2018-03-01","-337,49","+5257,28","3114904483",…,"RENTE LENING",…
    first = at_line(st, 2)
    assert first.amount == D("-337.49")
    assert first.balance_after == D("5257.28")
    assert first.description == "RENTE LENING"
    # line 3 lost its opening quote: NL77RABO0311467415","EUR",…,"+50,00","+13084,53",
    #   "NL62INGB0663707048","Nederlandse Loterij Organisatie B.V.",…
    prize = at_line(st, 3)
    assert prize.booking_date == date(2018, 3, 14)
    assert prize.amount == D("50.00")
    assert prize.counterparty == "Nederlandse Loterij Organisatie B.V."
    assert prize.counterparty_iban == "NL62INGB0663707048"
    assert prize.description == (
        "Gefeliciteerd, Gewonnen met Staatsloterij, Trekking 10-03-2018, 18753493.6094"
    )
    assert at_line(st, 4).counterparty == "W. Koelewijn"


def test_be_kbc_signed_amount_wins_over_credit_debet_columns() -> None:
    st = read_sample("csv/BE_KBC_export.csv")
    assert len(st.lines) == 1
    # line 2: BE11123456789012;  …;SMITH JOHN;EUR;  02018038;28/02/2018;BIJDRAGE 01-02-2018 -
    #         28-02-2018     28-02 KBC-PLUSREKENING;28/02/2018;-3,40;219,95;   ;-3,40;…
    line = at_line(st, 2)
    assert line.booking_date == date(2018, 2, 28)
    assert line.amount == D("-3.40")
    assert line.balance_after == D("219.95")
    assert line.description == "BIJDRAGE 01-02-2018 - 28-02-2018 28-02 KBC-PLUSREKENING"
    assert line.counterparty == ""  # "Naam tegenpartij" is blank; "Naam" is the holder
    assert st.account_iban == "BE11123456789012"


def test_ch_ubs_french_headers_debit_credit_and_swiss_apostrophe() -> None:
    st = read_sample("csv/CH_UBS_fr_debit-credit.csv")
    assert len(st.lines) == 3
    # line 2: …;CHF;Compte personnel UBS;31.03.2019;Solde prix prestations;;;A01234BC01234567;
    #         10.00;;11'373.94
    first = at_line(st, 2)
    assert first.booking_date == date(2019, 3, 31)
    assert first.amount == D("-10.00")
    assert first.balance_after == D("11373.94")
    assert first.description == "Solde prix prestations"
    assert first.bank_transaction_id == "A01234BC01234567"
    # line 3: 28.02.2019;Virement postal;ASSOCIATION FOO-BAR;…;;240.00;11'613.94
    assert at_line(st, 3).amount == D("240.00")
    assert at_line(st, 3).description.startswith("Virement postal ASSOCIATION FOO-BAR")
    # line 4 is dated 27.04.2019: the file is not sorted by date
    assert at_line(st, 4).booking_date == date(2019, 4, 27)
    assert at_line(st, 4).amount == D("-200.00")
    assert st.currency == "CHF"


def test_lt_swedbank_record_types_and_unescaped_quotes() -> None:
    st = read_sample("csv/LT_Swedbank_DK-indicator.csv")
    assert len(st.lines) == 5
    assert st.skipped == 6  # opening/closing balance and turnover records
    assert st.detection.get("record_type").value == "20"
    # line 3: "LT797300010XXXXXXXXX","20","2012-01-02","McDonald's restoranas AKR Vilnius",
    #         "PIRKINYS …","14.34","LTL","D",…
    first = at_line(st, 3)
    assert first.booking_date == date(2012, 1, 2)
    assert first.amount == D("-14.34")
    assert first.currency == "LTL"
    assert first.counterparty == "McDonald's restoranas AKR Vilnius"
    # line 5: "UAB "Naktida"" — quotes inside a quoted field, not escaped
    naktida = at_line(st, 5)
    assert naktida.counterparty == 'UAB "Naktida"'
    assert naktida.amount == D("-12.20")
    assert 'UAB "Naktida" Vilnius' in naktida.description
    # line 6: "Company","Salary","1600.00","LTL","K" → money in
    assert at_line(st, 6).amount == D("1600.00")
    assert at_line(st, 6).description == "Salary"
    # the EUR balance records (lines 11-12) are skipped with the LTL ones
    assert st.currency == "LTL"


def test_lt_danske_cp1257_quoted_newlines_and_merged_address_field() -> None:
    st = read_sample("csv/LT_Danske_cp1257_multiline.csv")
    assert len(st.lines) == 4
    assert st.encoding == "cp1257"
    # lines 2-3: 2012:03:01,,"",",Vilnius08500,LT","Paslaugų ir komisinių pajamos …",
    #   "Mokestis už lėšų įskaitymo … paskirtis:    .<CRLF>Užsienio banko mokesčiai: …",,"…",-7.8,
    fee = at_line(st, 2)
    assert fee.booking_date == date(2012, 3, 1)
    assert fee.amount == D("-7.8")
    assert (
        fee.counterparty == "Paslaugų ir komisinių pajamos už gaunamus tarptautinius pervedimus USD"
    )
    assert fee.description.startswith("Mokestis už lėšų įskaitymo administravimą")
    assert "Užsienio banko mokesčiai" in fee.description  # text after the quoted newline
    assert "Paslaugø" not in fee.counterparty
    assert at_line(st, 4).amount == D("889.81")  # lines 4-5: ACME LLC
    assert at_line(st, 4).counterparty == "ACME LLC"
    assert at_line(st, 6).amount == D("-0.46")  # written "-.46"
    assert at_line(st, 7).counterparty == "John Doe"


def test_lt_dnb_litas_esis_records_in_cents() -> None:
    st = read_sample("csv/LT_DNB_litas-esis_tab.acc")
    assert st.format == "litas-esis"
    assert len(st.lines) == 7
    assert st.skipped == 4  # records 000, 020 (twice) and 999
    assert st.account_iban == "LT000000000000000000"  # from the 000 header record
    assert st.currency == "LTL"
    # line 3: 010 | 8511 | 20120127 |  | 100 | 100 | D | … | Mokestis už sąskaitos aptarnavimą | …
    fee = at_line(st, 3)
    assert fee.booking_date == date(2012, 1, 27)
    assert fee.amount == D("-1.00")  # 100 cents
    assert fee.description == "Mokestis už sąskaitos aptarnavimą"
    # line 6: 010 | 2300 | 20120217 |  | 30000 | 30000 | C | … | Hello World | HABALT22XXX | "Swedbank" AB
    #         LT222222222222222222 | LINUS TORVALDS
    income = at_line(st, 6)
    assert income.amount == D("300.00")
    assert income.counterparty == "LINUS TORVALDS"
    assert income.counterparty_iban == "LT222222222222222222"
    # line 9: quotes inside an unquoted field: … | UAB DK "PZU Lietuva" | 110057869 | …
    assert at_line(st, 9).amount == D("-124.00")
    assert at_line(st, 9).counterparty == 'UAB DK "PZU Lietuva"'


def test_uk_lloyds_debit_credit_and_trailing_comma_header() -> None:
    st = read_sample("csv/UK_Lloyds_debit-credit.csv")
    assert len(st.lines) == 12
    # line 2: 15/01/2024,DEB,'99-88-74,1515152252,ACME STORE CD 1417    14JAN24,8.99,,2040.59
    first = at_line(st, 2)
    assert first.booking_date == date(2024, 1, 15)
    assert first.amount == D("-8.99")
    assert first.description == "ACME STORE CD 1417 14JAN24"
    assert first.balance_after == D("2040.59")
    # line 5: 01/12/2023,FPI,…,HHHHH LTD RP555000111222333 …,,2000,8029.49
    assert at_line(st, 5).amount == D("2000")
    assert at_line(st, 5).booking_date == date(2023, 12, 1)
    assert st.account_id == "1515152252"
    # line 4: the foreign-currency details stay in the description
    assert at_line(st, 4).description == "OUiog dollaros 202.40 VISAXR 1.16168 CD 1417"
    assert at_line(st, 4).amount == D("-5975.12")


def test_uk_john_lewis_bom_pending_pound_signs_and_cr_flag() -> None:
    st = read_sample("csv/UK_JohnLewis-card_bom.csv")
    assert st.encoding == "utf-8-sig"
    assert len(st.lines) == 13
    assert len(st.pending) == 3
    # line 2: Pending,L'OLILO                 LONDON       GBR,£67.40,
    pending = at_line(st, 2)
    assert pending.pending and pending.booking_date is None
    assert pending.amount == D("-67.40")  # card charges are money out
    assert pending.description == "L'OLILO LONDON GBR"
    # line 5: 12-Dec-2019,ROYAL LONDON INSURANCE        01222 61234  GBR,"£1,183.23",
    insurance = at_line(st, 5)
    assert insurance.booking_date == date(2019, 12, 12)
    assert insurance.amount == D("-1183.23")
    # line 14: 02-Dec-2019,PAYMENT RECEIVED - THANK YOU,"+ £1,100.00",CR
    payment = at_line(st, 14)
    assert payment.amount == D("1100.00")
    assert payment.booking_date == date(2019, 12, 2)
    assert st.currency == "GBP"


def test_cz_raiffeisen_cp1250_duplicate_headers_and_stray_comma() -> None:
    st = read_sample("csv/CZ_Raiffeisen_movements_cp1250.csv")
    assert st.encoding == "cp1250"
    assert len(st.lines) == 1
    # line 2: 27.05.2018;"27.05.2018";"123456789/1234";"Name Surname";"Platba";"123456789/1234";
    #   "Name Surname";"Jednorázová platba";"Memo for me test";" ";"";"";"";"-1,00";"CZK";…;3228446118
    line = at_line(st, 2)
    assert line.booking_date == date(2018, 5, 27)
    assert line.amount == D("-1.00")
    assert line.currency == "CZK"
    assert line.counterparty == "Name Surname"
    assert line.description == "Memo for me test"
    assert line.bank_transaction_id == "3228446118"
    header = st.detection.all("column")
    assert any(c.reason == "header 'Zaúčtovaná částka'" for c in header)


def test_hu_erste_dates_with_trailing_dot_and_inflow_outflow() -> None:
    st = read_sample("csv/HU_Erste_transactions.csv")
    assert len(st.lines) == 2
    # line 2: 2019.04.19.,memo goes here,payee account,…,-350,HUF,outflow,…,2019.04.19.,,,payee,
    #         2345.56,HUF
    first = at_line(st, 2)
    assert first.booking_date == date(2019, 4, 19)
    assert first.amount == D("-350")
    assert first.currency == "HUF"
    assert first.counterparty == "memo goes here"
    assert first.description == "payee"
    assert first.balance_after == D("2345.56")
    # line 3: 2019.04.17.,…,1290,HUF,inflow,…,2019.04.18.
    second = at_line(st, 3)
    assert (second.booking_date, second.value_date) == (date(2019, 4, 17), date(2019, 4, 18))
    assert second.amount == D("1290")


def test_sg_ocbc_preamble_and_continuation_rows() -> None:
    st = read_sample("csv/SG_OCBC_transaction-history.csv")
    assert len(st.lines) == 8
    assert st.currency == "SGD"  # from "Withdrawals (SGD)"
    # lines 7-8: 18/04/2018,18/04/2018,DEBIT PURCHASE,6.66, / ,,15/04/18  66-6666 UBER EATS …
    first = at_line(st, 7)
    assert first.booking_date == date(2018, 4, 18)
    assert first.amount == D("-6.66")
    assert first.description == "DEBIT PURCHASE 15/04/18 66-6666 UBER EATS AN2GO HELP.UBERh"
    # lines 11-12: CASH WITHDRAWAL  ATM,66.66, / ,,66-6666 OCBC-666 BRANCH          S
    assert at_line(st, 11).amount == D("-66.66")
    assert at_line(st, 11).description == "CASH WITHDRAWAL ATM 66-6666 OCBC-666 BRANCH S"


def test_us_schwab_dollar_amounts_in_withdrawal_deposit_columns() -> None:
    st = read_sample("csv/US_Schwab_checking.csv")
    assert len(st.lines) == 4
    assert st.detection.get("date_format").value == "%m/%d/%Y"
    # line 2: "08/17/2022","Posted","DEPOSIT","","Deposit Mobile Banking","","$20.00","$878.47"
    deposit = at_line(st, 2)
    assert deposit.booking_date == date(2022, 8, 17)
    assert deposit.amount == D("20.00")
    assert deposit.balance_after == D("878.47")
    # line 5: "08/04/2022",…,"PAYPAL INST XFER 220803~ Tran: ACHDW","$57.27","","$1,036.47"
    paypal = at_line(st, 5)
    assert paypal.amount == D("-57.27")
    assert paypal.balance_after == D("1036.47")
    assert at_line(st, 4).description == "Check Paid #558"


def test_column_roles_are_reported_for_every_used_column() -> None:
    st = read_sample("csv/NL_Knab_transactieoverzicht.csv")
    roles = {c.column: c.value for c in st.detection.all("column")}
    assert roles[3] == ColumnRole.INDICATOR.value  # CreditDebet
    assert roles[15] == ColumnRole.DATE.value  # Boekdatum
    assert roles[7] == ColumnRole.VALUE_DATE.value  # Valutadatum
