"""Reading a clients spreadsheet (CSV) exported from wherever the business kept them.

Real files are read, not refused: UTF-8 with or without BOM or a Windows code
page, `,` `;` or TAB delimiters, and the header names people actually use
(Company, E-mail, VAT…).  Every row that cannot become a valid client is
reported with its line number and the reason; the caller decides whether any
problem stops the whole import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from app.core.clients import ClientData, ContactData, validate_client
from app.core.text import fold
from app.core.textfile import TextFileError, decode_text, sniff_delimiter

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "company",
        "company name",
        "client",
        "client name",
        "customer",
        "customer name",
        "organisation",
        "organization",
        "firma",
        "raison sociale",
        "bedrijf",
        "bedrijfsnaam",
        "kunde",
        "nom",
    ),
    "email": (
        "email",
        "e-mail",
        "e mail",
        "mail",
        "email address",
        "e-mail address",
        "billing email",
        "courriel",
    ),
    "currency": ("currency", "curr", "ccy", "currency code", "wahrung", "devise", "valuta"),
    "terms_days": (
        "terms",
        "payment terms",
        "terms days",
        "net days",
        "payment terms days",
        "zahlungsziel",
        "due days",
    ),
    "tax_id": (
        "tax id",
        "taxid",
        "vat",
        "vat id",
        "vat number",
        "vat no",
        "tax number",
        "ust-idnr",
        "ust idnr",
        "btw",
        "btw nummer",
        "tva",
        "siret",
        "abn",
        "gst number",
    ),
    "phone": ("phone", "telephone", "tel", "phone number", "telefon", "mobile"),
    "address_line1": (
        "address",
        "address 1",
        "address line 1",
        "street",
        "strasse",
        "billing address",
        "adresse",
        "adres",
    ),
    "address_line2": ("address 2", "address line 2", "street 2"),
    "postal_code": (
        "postal code",
        "postcode",
        "post code",
        "zip",
        "zip code",
        "plz",
        "code postal",
        "postcode",
    ),
    "city": ("city", "town", "ort", "stadt", "ville", "plaats"),
    "region": ("region", "state", "county", "province", "bundesland"),
    "country": ("country", "country code", "land", "pays"),
    "time_zone": ("time zone", "timezone", "tz"),
    "language": ("language", "lang", "sprache"),
    "notes": ("notes", "note", "comment", "comments", "remarks"),
    "iban": ("iban", "bank account", "account iban", "kontonummer", "rekeningnummer"),
    "contact_name": ("contact", "contact name", "contact person", "ansprechpartner"),
}


def _header_key(text: str) -> str:
    return " ".join(fold(text).lower().replace("_", " ").replace(".", " ").split())


_LOOKUP = {
    _header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ClientImport:
    rows: list[tuple[int, ClientData]]
    errors: list[RowError]
    encoding: str
    delimiter: str
    columns: dict[str, str]


def read_clients_csv(
    data: bytes,
    *,
    default_currency: str = "EUR",
    default_terms_days: int = 30,
    require_tax_id: bool = False,
) -> ClientImport:
    """Parse and validate every row; raise TextFileError when the file is unreadable."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TextFileError("the file is empty", line=1) from None
    except csv.Error as exc:
        raise TextFileError(f"not a readable CSV file ({exc})", line=1) from None
    mapping: dict[int, str] = {}
    for idx, title in enumerate(header):
        field = _LOOKUP.get(_header_key(title))
        if field and field not in mapping.values():
            mapping[idx] = field
    if "name" not in mapping.values():
        raise TextFileError(
            "no client name column found; the header needs a column such as "
            "'Name' or 'Company' (found: " + ", ".join(repr(h) for h in header if h) + ")",
            line=1,
        )
    rows: list[tuple[int, ClientData]] = []
    errors: list[RowError] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            extra = record[len(header) :]
            if any(cell.strip() for cell in extra):
                errors.append(
                    RowError(line, f"{len(record)} fields but the header has {len(header)}")
                )
                continue
            values = {mapping[i]: record[i].strip() for i in mapping if i < len(record)}
            client, problem = _to_client(values, default_currency, default_terms_days)
            if problem:
                errors.append(RowError(line, problem))
                continue
            assert client is not None
            field_errors = validate_client(client, require_tax_id=require_tax_id)
            if field_errors:
                errors.append(RowError(line, "; ".join(e.message for e in field_errors)))
                continue
            rows.append((line, client))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"malformed CSV ({exc})"))
    if not rows and not errors:
        raise TextFileError("the file has a header but no client rows", line=2)
    columns = {header[i]: f for i, f in mapping.items()}
    return ClientImport(rows, errors, encoding, delimiter, columns)


def _to_client(
    values: dict[str, str], default_currency: str, default_terms_days: int
) -> tuple[ClientData | None, str]:
    terms_raw = values.pop("terms_days", "")
    terms_days = default_terms_days
    terms_kind = "net"
    if terms_raw:
        digits = "".join(ch for ch in terms_raw if ch.isdigit())
        if "receipt" in terms_raw.lower() or terms_raw.strip() == "0":
            terms_kind, terms_days = "receipt", 0
        elif digits:
            terms_days = int(digits)
        else:
            return None, f"payment terms {terms_raw!r} are not a number of days"
    contact_name = values.pop("contact_name", "")
    if not values.get("currency"):
        values["currency"] = default_currency
    client = ClientData(
        name=values.get("name", ""),
        terms_days=terms_days,
        terms_kind=terms_kind,
        **{k: v for k, v in values.items() if k != "name"},
    ).cleaned()
    if contact_name:
        client = replace(
            client, contacts=(ContactData(name=contact_name, email=client.email, is_billing=True),)
        )
    return client, ""
