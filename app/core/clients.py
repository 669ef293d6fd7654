"""What a client is, and the rules a client record must satisfy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from zoneinfo import available_timezones

from app.core.currency import KNOWN_CURRENCIES
from app.core.iban import looks_like_iban, normalise_iban

TERMS_KINDS = ("net", "eom", "receipt")
# Deliberately simple: one @, a dot in the domain, no spaces.  Full RFC 5322
# would accept addresses no mail server will take.
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class ContactData:
    name: str
    email: str = ""
    phone: str = ""
    role: str = ""
    is_billing: bool = False


@dataclass(frozen=True)
class ClientData:
    """The editable fields of a client, as a form or an import row supplies them."""

    name: str
    email: str = ""
    currency: str = "EUR"
    terms_kind: str = "net"
    terms_days: int = 30
    phone: str = ""
    tax_id: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    time_zone: str = ""
    language: str = ""
    notes: str = ""
    is_business: bool = True
    no_auto_reminders: bool = False
    iban: str = ""  # the account the client pays from, if known (helps bank matching)
    contacts: tuple[ContactData, ...] = ()

    def cleaned(self) -> ClientData:
        """Trim text, upper-case codes; never changes meaning."""
        return replace(
            self,
            name=" ".join(self.name.split()),
            email=self.email.strip(),
            currency=self.currency.strip().upper(),
            terms_kind=self.terms_kind.strip().lower() or "net",
            phone=self.phone.strip(),
            tax_id=self.tax_id.strip(),
            address_line1=self.address_line1.strip(),
            address_line2=self.address_line2.strip(),
            postal_code=self.postal_code.strip(),
            city=self.city.strip(),
            region=self.region.strip(),
            country=self.country.strip().upper(),
            time_zone=self.time_zone.strip(),
            language=self.language.strip(),
            notes=self.notes.strip(),
            iban=normalise_iban(self.iban),
        )


def client_field_names() -> list[str]:
    """The fields stored on the client row (contacts and IBAN live in their own tables)."""
    return [f.name for f in fields(ClientData) if f.name not in ("contacts", "iban")]


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def validate_client(data: ClientData, *, require_tax_id: bool = False) -> list[FieldError]:
    """Every problem with a client record, in words a user understands."""
    errors: list[FieldError] = []
    if not data.name:
        errors.append(FieldError("name", "Name is required."))
    elif len(data.name) > 200:
        errors.append(FieldError("name", "Name is longer than 200 characters."))
    if data.email and not _EMAIL.match(data.email):
        errors.append(
            FieldError(
                "email", f"'{data.email}' is not a valid e-mail address (like name@example.com)."
            )
        )
    if data.currency not in KNOWN_CURRENCIES:
        errors.append(
            FieldError(
                "currency", f"'{data.currency}' is not a currency code (use EUR, USD, GBP…)."
            )
        )
    if data.terms_kind not in TERMS_KINDS:
        errors.append(
            FieldError(
                "terms_kind",
                "Payment terms must be net days, end of month + days, or due on receipt.",
            )
        )
    if not 0 <= data.terms_days <= 365:
        errors.append(FieldError("terms_days", "Payment terms must be between 0 and 365 days."))
    if data.country and not _COUNTRY.match(data.country):
        errors.append(FieldError("country", "Country must be a two-letter code such as DE or IE."))
    if data.time_zone and data.time_zone not in _zones():
        errors.append(
            FieldError("time_zone", f"'{data.time_zone}' is not a time zone (like Europe/Berlin).")
        )
    # Only the shape is checked: the IBAN serves to recognise payments, and bank
    # files are matched against it as written.
    if data.iban and not looks_like_iban(data.iban):
        errors.append(
            FieldError(
                "iban",
                f"'{data.iban}' does not look like an IBAN (e.g. DE89 3704 0044 0532 0130 00).",
            )
        )
    if require_tax_id and data.is_business and not data.tax_id:
        errors.append(FieldError("tax_id", "A tax id is required for business clients."))
    for i, c in enumerate(data.contacts, start=1):
        if not c.name.strip():
            errors.append(FieldError(f"contacts[{i}].name", f"Contact {i} needs a name."))
        if c.email and not _EMAIL.match(c.email.strip()):
            errors.append(
                FieldError(
                    f"contacts[{i}].email",
                    f"Contact {i}: '{c.email}' is not a valid e-mail address.",
                )
            )
    return errors


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


@dataclass(frozen=True)
class ClientRow:
    """One line of the clients list."""

    id: int
    name: str
    email: str
    currency: str
    city: str
    country: str
    archived: bool
    open_balance_minor: int = 0


@dataclass(frozen=True)
class Client:
    """A client as services hand it out (plain data, safe across threads)."""

    id: int
    data: ClientData
    archived_at: datetime | None
    created_at: datetime
    invoice_count: int = 0
    aliases: tuple[str, ...] = field(default=())

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def name(self) -> str:
        return self.data.name

    def terms_text(self) -> str:
        return terms_text(self.data.terms_kind, self.data.terms_days)


def terms_text(kind: str, days: int) -> str:
    if kind == "receipt":
        return "Due on receipt"
    if kind == "eom":
        return f"End of month + {days} days"
    return f"Net {days} days"
