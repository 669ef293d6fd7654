"""Words banks use for column names and cell values, in many languages.

Column names only propose a role; the column's content must agree (a column
called "Valuta" holds dates in Dutch and German exports and currency codes in
Lithuanian and Italian ones).  Weights order the proposals: a specific name
("Naam tegenpartij") beats a generic one ("Naam"), and names that mark a
column to leave alone ("Lastschrift Ursprungsbetrag", "BIC") beat the amount
or name words they contain.

All phrases are written folded (see ``csv_profile.fold_name``).
"""

from __future__ import annotations

import unicodedata

from app.core.bankfile.csv_profile import ColumnRole, fold_name

R = ColumnRole

_PHRASES: dict[ColumnRole, str] = {
    R.DATE: """
        buchungstag:1.3 buchungsdatum:1.3 boekdatum:1.3 boekingsdatum:1.3 booking date:1.3
        posting date:1.3 posted date:1.3 date posted:1.3 date comptable:1.3 data contabile:1.3
        data ksiegowania:1.3 datum zauctovani:1.3 konyvelesi datum:1.3 bokforingsdag:1.3
        bogforingsdato:1.3 kirjauspaiva:1.3 fecha contable:1.3 date processed:1.3
        bokforingsdatum:1.3 bokfort:1.2 data contabilizacao:1.3 datum zpracovani:1.2
        transaction date:1.2 transactiedatum:1.1 date operation:1.2 date de l operation:1.2
        data operazione:1.2 fecha operacion:1.2 data operacji:1.2 datum provedeni:1.1
        tranzakcio datuma:1.2 buchung:1.1 umsatzdatum:1.2 completed date:1.1 trans date:1.1
        datum:1.0 date:1.0 data:1.0 fecha:1.0 dato:1.0 paivays:1.0 datums:1.0
    """,
    R.VALUE_DATE: """
        valutadatum:1.3 value date:1.3 wertstellung:1.3 wertstellungsdatum:1.3
        interest date:1.3 arvopaiva:1.3 valuteringsdato:1.3 rentedag:1.3
        date de valeur:1.3 rentedatum:1.3 data valuta:1.3 fecha valor:1.3 data waluty:1.3
        datum valuty:1.3 erteknap:1.3 effective date:1.2 valuteringsdag:1.3 valuta:1.0
        valor:0.9 valeur:0.9
    """,
    R.AMOUNT: """
        amount:1.2 betrag:1.2 bedrag:1.2 montant:1.2 suma:1.2 summa:1.2 importe:1.2
        importo:1.2 kwota:1.2 castka:1.1 zauctovana castka:1.3 osszeg:1.1
        tranzakcio osszege:1.3 belopp:1.2 belob:1.2 maara:1.2 summe:1.1
        transaction amount:1.3 umsatz:0.8 value:0.6 objem:1.2 kwota operacji:1.3
        importo operazione:1.3 montant operation:1.3 valor:0.7
    """,
    R.DEBIT: """
        debit:1.2 debet:1.2 soll:1.3 withdrawal:1.3 withdrawals:1.3 paid out:1.3 money out:1.3
        debit amount:1.3 ausgang:1.2 ausgaben:1.2 uitgaven:1.2 uitgaand:1.2 afschrijving:1.2
        addebiti:1.2 addebito:1.2 cargo:1.2 cargos:1.2 wydatki:1.2 obciazenia:1.2 out:0.9
        dare:1.2 debito:1.2 af:1.0 udbetaling:1.2 ut:1.0
    """,
    R.CREDIT: """
        credit:1.2 haben:1.3 deposit:1.3 deposits:1.3 paid in:1.3 money in:1.3
        credit amount:1.3 eingang:1.2 einnahmen:1.2 inkomsten:1.2 bijschrijving:1.2
        accrediti:1.2 accredito:1.2 abono:1.2 abonos:1.2 wplywy:1.2 uznania:1.2 in:0.9
        avere:1.2 credito:1.2 bij:1.0 indbetaling:1.2
    """,
    R.INDICATOR: """
        af bij:1.5 bij af:1.5 creditdebet:1.5 credit debet:1.5 debet credit:1.5
        credit debit:1.5 debit credit:1.5 d k:1.5 d c:1.5 c d:1.5 cr dr:1.5 dr cr:1.5
        s h:1.5 soll haben:1.5 debit credit indicator:1.5 cdtdbtind:1.5 bevetel kiadas:1.5
        kiadas bevetel:1.5 direction:1.2 sign:1.0 dc:1.0 cd:1.0 indicator:1.2
    """,
    R.DESCRIPTION: """
        description:1.2 omschrijving:1.2 verwendungszweck:1.3 mededelingen:1.2
        mededeling:1.1 vrije mededeling:1.3 libelle:1.2 details:1.0 memo:1.0 purpose:1.1
        remittance information:1.3 umsatztext:1.2 text:1.0 paaiskinimai:1.2 popis:1.1
        zprava:1.1 poznamka:1.0 kozlemeny:1.2 reszletek:1.0 opis:1.1 tytul:1.2
        causale:1.2 descrizione:1.1 concepto:1.2 descripcion:1.1 narrative:1.1
        particulars:1.1 transaction description:1.3 vwz:1.2 memodet:1.0 memoconv:0.8
        comment:0.9 notes:0.9 reference:0.9 referentie:0.8 buchungsdetails:1.2
        beskrivelse:1.2 viesti:1.2 meddelande:1.2 beskrivning:1.2 opis operacji:1.3
        zprava pro prijemce:1.3 payment reference:1.1 omschrijving 1:1.2
    """,
    R.COUNTERPARTY: """
        naam tegenpartij:1.4 tegenrekeninghouder:1.4 tegenrekening naam:1.4
        naam omschrijving:1.3 auftraggeber empfanger:1.4 auftraggeber:1.2 empfanger:1.2
        beguenstigter zahlungspflichtiger:1.4 beguenstigter:1.3
        begunstigter:1.3 zahlungsbeteiligter:1.3 counterparty:1.3 counterparty name:1.4
        counter party:1.3 beneficiary:1.2 navn:1.0 saaja maksaja:1.4 maksaja saaja:1.4
        nazev protistrany:1.3
        beneficiaire:1.2 name:1.0 naam:1.0 nom:1.0 nome:1.0 nombre:1.0 gavejas:1.2
        moketojas:1.1 partner neve:1.4 partner:1.0 nazev protiuctu:1.4 kontrahent:1.2
        nadawca odbiorca:1.5 other party:1.3 merchant:1.1 ordenante:1.1
    """,
    R.PAYER: """
        zahlungspflichtige:1.4 zahlungspflichtiger:1.4 payer name:1.4 payer:1.3
        debtor name:1.4 debtor:1.3 ordering party:1.4 remitter:1.3 afsender:1.3
        maksaja:1.3 platitel:1.3 platce:1.3 nadawca:1.3 ordinante:1.3
    """,
    R.PAYEE: """
        zahlungsempfanger:1.4 zahlungsempfangerin:1.4 payee name:1.4 payee:1.3
        creditor name:1.4 beneficiary name:1.4 modtager:1.3 saaja:1.3 prijemce:1.3
        odbiorca:1.3 beneficiario:1.3
    """,
    R.COUNTERPARTY_IBAN: """
        tegenrekening:1.3 tegenrekeningnummer:1.4 tegenrekening iban bban:1.4
        rekeningnummer tegenpartij:1.4 counterparty account:1.4 counterparty iban:1.4
        partner szamlaszama:1.4 cislo protiuctu:1.4 kontonummer iban:1.2 gegenkonto:1.3
        iban zahlungsbeteiligter:1.4 payee account:1.3 iban beguenstigter:1.4 iban:0.9
        protiucet:1.4 tilinumero:1.3 saajan tilinumero:1.4 payee account number:1.4
        counterparty account number:1.4 rachunek kontrahenta:1.4 modkonto:1.3
    """,
    R.ACCOUNT: """
        auftragskonto:1.4 rekeningnummer:1.1 rekening:1.1 account:1.0 account number:1.1
        kontonummer:1.1 iban bban:1.1 saskaitos nr:1.2 cislo uctu:1.3 szamlaszam:1.2
        produit:0.8 own account:1.3 konto:1.0
    """,
    R.BALANCE: """
        saldo:1.2 balance:1.2 kontostand:1.3 solde:1.2 running balance:1.3
        runningbalance:1.3 saldo na trn:1.4 saldo na transactie:1.4 saldo na boeking:1.4
        running bal:1.3 saldo po transakcji:1.3
        egyenleg:1.2 zustatek:1.2 likutis:1.2 balance after:1.3 saldo dopo:1.3
        saldo po operacji:1.3 closing balance:1.1
    """,
    R.CURRENCY: """
        currency:1.2 wahrung:1.3 waehrung:1.3 valuta:0.9 valutacode:1.3 munt:1.2
        devise:1.2 monnaie:1.2 monn:1.2 mena:1.2 mena uctu:1.3 devizanem:1.2
        tranzakcio devizaneme:1.3 valiuta:1.2 waluta:1.2 ccy:1.2 cur:1.0 moneda:1.2
        divisa:1.2 valuuta:1.2
    """,
    R.REFERENCE: """
        gestructureerde mededeling:1.5 betalingskenmerk:1.4 creditor reference:1.4
        zahlungsreferenz:1.3 kid:1.2 vs:1.2 variabilni symbol:1.4 imokos kodas:1.3
        structured reference:1.4 viitenumero:1.3 viite:1.2 ocr:1.2 esr referenz:1.4
        qr referenz:1.4
    """,
    R.TRANSACTION_ID: """
        transaction id:1.3 transactie id:1.3 id transakce:1.4 n de transaction:1.4
        transaction number:1.3 transactienummer:1.3 volgnr:1.2 volgnummer:1.2
        referentie:1.0 fitid:1.4 umsatz id:1.3 buchungs id:1.3 reference number:1.0
        iraso nr:1.2 transaktions id:1.3 bank reference:1.2 megbizas azonosito:1.1 id:0.8
        arkistointitunnus:1.3 id operace:1.4 verifikationsnummer:1.2
    """,
    R.STATUS: """
        status:1.2 info:0.8 state:1.1 umsatzstatus:1.3 buchungsstatus:1.3 stav:1.0
        statut:1.1 estado:1.0 stato:1.0
    """,
    R.TYPE: """
        buchungstext:1.2 transaction type:1.3 type:1.0 code:0.9 mutatiesoort:1.3
        betaalwijze:1.1 type betaling:1.1 typ transakce:1.3 tranzakcio tipusa:1.3
        kategorie transakce:1.0 umsatzart:1.3 buchungsart:1.3 transaktionstyp:1.3
        kodas:1.0 rubrieknaam:0.8 vorgang:1.1 operation type:1.2 typ operacji:1.2
        umsatztyp:1.3 selitys:1.2 laji:1.0 transaktionstyp:1.3 typ:1.0
    """,
    R.IGNORE: """
        ursprungsbetrag:1.6 auslagenersatz:1.6 oorspr:1.6 original:1.3 puvodni:1.6
        bic:1.6 swift:1.6 blz:1.6 bankleitzahl:1.6 adres:1.5 address:1.5 adresse:1.5
        city:1.4 country:1.4 branch:1.4 bank:1.1 glaeubiger:1.6 glaubiger:1.6
        mandat:1.5 mandatsreferenz:1.6 machtigingsnummer:1.6 machtigingskenmerk:1.6
        incassant:1.5 sammlerreferenz:1.6 batch:1.5 kundenreferenz:1.4 end to end:1.4
        koers:1.5 kurs:1.4 exchange rate:1.5 rate:1.0 fee:1.2 poplatek:1.4 gebuhr:1.2
        uiteindelijke:1.6 initierende:1.6 ultimate:1.5 card:1.2 kartyaszam:1.5
        card number:1.5 kartennummer:1.5 karte:1.2 sort code:1.6 check number:1.3
        checknumber:1.3 cheque:1.2 auszugsnummer:1.5 afschriftnummer:1.5
        statement number:1.5 zeit:1.2 time:1.2 uhrzeit:1.3 ks:1.2 ss:1.2
        reden retour:1.6 return reason:1.6 dok nr:1.3 kliento kodas:1.4 pradinis:1.4
        galutinis:1.4 account name:1.3 nazev uctu:1.4 szamla neve:1.4 kontoname:1.4
        creditor id:1.5 transactiereferentie:1.5 kategorie:1.0 foreign:1.6
        foreign currency:1.6 fremdwahrung:1.6 local:1.3 exchange:1.4 kod banky:1.5
        category:1.1 kategoria:1.1 emoji:1.5 receipt:1.3
    """,
}


def _parse(spec: str) -> list[tuple[str, float]]:
    entries: list[tuple[str, float]] = []
    tokens = spec.split()
    phrase_words: list[str] = []
    for token in tokens:
        if ":" in token:
            word, weight = token.rsplit(":", 1)
            phrase_words.append(word)
            entries.append((" ".join(phrase_words), float(weight)))
            phrase_words = []
        else:
            phrase_words.append(token)
    return entries


VOCABULARY: dict[ColumnRole, list[tuple[str, float]]] = {
    role: _parse(spec) for role, spec in _PHRASES.items()
}


def _match(header: str, phrase: str) -> int:
    if header == phrase:
        return 3
    if f" {phrase} " in f" {header} ":
        return 2
    if len(phrase) >= 4 and phrase.replace(" ", "") in header.replace(" ", ""):
        return 1
    return 0


def role_scores(header_cell: str) -> dict[ColumnRole, float]:
    """Every role a header name proposes, with its strength (0 = none)."""
    folded = fold_name(header_cell)
    scores: dict[ColumnRole, float] = {}
    if not folded:
        return scores
    for role, phrases in VOCABULARY.items():
        best = 0.0
        for phrase, weight in phrases:
            strength = _match(folded, phrase)
            if strength:
                best = max(best, strength * weight)
        if best:
            scores[role] = best
    return scores


def header_hits(cells: list[str]) -> int:
    """How many cells of a row read as column names (a whole-word match or better)."""
    hits = 0
    for cell in cells:
        scores = role_scores(cell)
        if scores and max(scores.values()) >= 2.0:
            hits += 1
    return hits


def fold_value(text: str) -> str:
    """A cell value reduced for comparison; unlike header folding it keeps + and -."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(plain.split())


def _fold_values(spec: str) -> frozenset[str]:
    return frozenset(fold_value(v) for v in spec.split("|"))


MONEY_IN = _fold_values(
    "c|cr|k|kr|credit|krediet|kredit|kreditas|bij|h|haben|inflow|in|incoming|deposit|"
    "gutschrift|crdt|+|plus|bevetel|ontvangen|received|credito|accredito|abono|wplyw|"
    "eingang|zugang|inkomend|entrant|entrata|ingreso"
)
MONEY_OUT = _fold_values(
    "d|dr|db|debit|debet|debetas|af|s|soll|outflow|out|outgoing|withdrawal|lastschrift|"
    "dbit|-|minus|kiadas|charge|debito|addebito|cargo|obciazenie|"
    "ausgang|abgang|uitgaand|sortant|uscita|egreso"
)
PENDING_WORDS = _fold_values(
    "pending|umsatz vorgemerkt|vorgemerkt|vorgemerkte|nicht gebucht|in afwachting|"
    "en attente|in sospeso|pendiente|pendente|oczekujaca|oczekujace|authorised|authorized|"
    "reserviert|reserved|pdng|uncleared|not yet booked|prenotato"
)
BOOKED_WORDS = _fold_values(
    "booked|umsatz gebucht|gebucht|posted|completed|cleared|settled|geboekt|comptabilise|"
    "contabilizzato|book|zauctovano|zrealizowana"
)
NON_TRANSACTION_WORDS = (
    "saldo",
    "balance",
    "likutis",
    "apyvarta",
    "turnover",
    "opening",
    "closing",
    "anfangssaldo",
    "endsaldo",
    "kontostand",
    "solde",
    "total",
    "summe",
    "sum",
    "beginsaldo",
    "eindsaldo",
    "zustatek",
    "egyenleg",
    "obrat",
    "umsatzsumme",
)
VALUE_DATE_LABELS = (
    "valutadatum",
    "value date",
    "wertstellung",
    "valuta",
    "date de valeur",
    "rentedatum",
)
