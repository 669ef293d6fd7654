"""Realistic, deterministic demo data: the same book every time ``init --demo`` runs.

A seeded random generator picks from fixed lists, so tests and screenshots can
rely on what the demo holds.  Loading twice does nothing the second time.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select

from app.core.clients import ClientData, ContactData
from app.core.text import fold
from app.db import models as m
from app.services import settings as settings_service
from app.services.clients import insert_client
from app.services.context import AppContext

SEED = 20_26

_PREFIXES = [
    "Harbor",
    "Cedar",
    "Lighthouse",
    "Keystone",
    "Beacon",
    "Northwind",
    "Bluebell",
    "Granite",
    "Meadow",
    "Summit",
    "Copperleaf",
    "Driftwood",
    "Foxglove",
    "Ironbridge",
    "Juniper",
    "Larkspur",
    "Marigold",
    "Oakridge",
    "Pinecrest",
    "Quayside",
    "Riverside",
    "Saffron",
    "Thistle",
    "Willow",
]
_TRADES = [
    "Dental",
    "Design",
    "Media",
    "Studio",
    "Architects",
    "Logistics",
    "Consulting",
    "Bakery",
    "Physio",
    "Analytics",
    "Print",
    "Legal",
    "Gardens",
    "Software",
    "Catering",
    "Engineering",
]
_FORMS = {
    "DE": ["GmbH", "KG"],
    "IE": ["Ltd", "DAC"],
    "NL": ["BV"],
    "FR": ["SARL", "SAS"],
    "ES": ["S.L.", "S.A."],
    "FI": ["Oy"],
    "PL": ["sp. z o.o."],
    "GB": ["Ltd", "LLP", "& Co"],
    "US": ["Inc.", "LLC", "Co."],
}
_PEOPLE = [
    "Freya Müller",
    "Nora O'Brien",
    "Łukasz Wójcik",
    "Zoë Martin",
    "Ahmet Yılmaz",
    "Eleni Papadopoulou",
    "Sven Ødegaard",
    "Inès Dubois",
    "Jan de Vries",
    "Aoife Byrne",
    "Tomás García",
    "Björn Lindqvist",
    "Maja Novák",
    "Priya Raman",
    "Olena Kovalenko",
    "James Whitfield",
    "Chloé Lefèvre",
    "Mateo Rossi",
]
_PLACES = {
    "EUR": [
        ("Berlin", "DE", "10115", "Europe/Berlin"),
        ("Dublin", "IE", "D02 X285", "Europe/Dublin"),
        ("Amsterdam", "NL", "1012 AB", "Europe/Amsterdam"),
        ("Lyon", "FR", "69002", "Europe/Paris"),
        ("Madrid", "ES", "28013", "Europe/Madrid"),
        ("Helsinki", "FI", "00100", "Europe/Helsinki"),
        ("Kraków", "PL", "31-001", "Europe/Warsaw"),
    ],
    "GBP": [
        ("London", "GB", "EC1A 1BB", "Europe/London"),
        ("Leeds", "GB", "LS1 4AP", "Europe/London"),
        ("Edinburgh", "GB", "EH1 1YZ", "Europe/London"),
    ],
    "USD": [
        ("Boston", "US", "02108", "America/New_York"),
        ("Denver", "US", "80202", "America/Denver"),
        ("Austin", "US", "78701", "America/Chicago"),
    ],
}
_STREETS = [
    "High Street",
    "Hauptstraße",
    "Keizersgracht",
    "Rue de la République",
    "Main Street",
    "Calle Mayor",
    "Market Square",
    "Station Road",
    "Mannerheimintie",
    "Floriańska",
]


def _demo_clients(rng: random.Random, count: int = 50) -> list[ClientData]:
    out: list[ClientData] = []
    used: set[str] = set()
    currencies = ["EUR"] * 6 + ["GBP"] * 2 + ["USD"] * 2
    while len(out) < count:
        currency = currencies[len(out) % len(currencies)]
        city, country, postcode, tz = rng.choice(_PLACES[currency])
        if rng.random() < 0.15:
            name = rng.choice(_PEOPLE)
            is_business = False
        else:
            name = f"{rng.choice(_PREFIXES)} {rng.choice(_TRADES)} {rng.choice(_FORMS[country])}"
            is_business = True
        if name in used:
            continue
        used.add(name)
        slug = "".join(ch for ch in fold(name).lower() if ch.isalnum())[:18]
        has_email = rng.random() > 0.04  # a few clients without e-mail, for the review queue
        contact = rng.choice(_PEOPLE)
        out.append(
            ClientData(
                name=name,
                email=f"accounts@{slug}.example" if has_email else "",
                currency=currency,
                terms_kind="net" if rng.random() > 0.1 else "eom",
                terms_days=rng.choice([14, 30, 30, 30, 45, 60]),
                phone=f"+{rng.randint(30, 49)} {rng.randint(100, 999)} "
                f"{rng.randint(100000, 999999)}",
                tax_id=f"{country}{rng.randint(100000000, 999999999)}" if is_business else "",
                address_line1=f"{rng.randint(1, 220)} {rng.choice(_STREETS)}",
                postal_code=postcode,
                city=city,
                country=country,
                time_zone=tz,
                is_business=is_business,
                contacts=(
                    ContactData(
                        contact,
                        f"{contact.split()[0].lower()}@{slug}.example" if has_email else "",
                        role="Accounts",
                        is_billing=True,
                    ),
                ),
            ).cleaned()
        )
    return out


DEMO_COMPANY: dict[str, Any] = {
    "company.name": "Counterfoil Demo Ltd",
    "company.address": "14 Fitzwilliam Square\nDublin 2, D02 X285\nIreland",
    "company.tax_id": "IE9876543W",
    "company.registration": "CRO 654321",
    "company.email": "billing@counterfoil-demo.example",
    "company.phone": "+353 1 555 0100",
    "company.website": "counterfoil-demo.example",
    "company.currency": "EUR",
    "company.locale": "en_IE",
    "company.time_zone": "Europe/Dublin",
    "payment.iban": "IE29AIBK93115212345678",
    "payment.bic": "AIBKIE2D",
    "payment.bank_name": "AIB",
    "ui.onboarded": True,
}


def load_demo(ctx: AppContext) -> dict[str, int]:
    """Fill an empty book with the demo data set; refuse to mix it into real data."""
    rng = random.Random(SEED)
    with ctx.uow() as uow:
        s = uow.session
        existing = s.scalar(select(func.count()).select_from(m.Client)) or 0
        if existing:
            return {"clients": existing, "added": 0}
        settings_service.set_many(s, ctx.audit, DEMO_COMPANY)
        clients = [insert_client(s, ctx, data) for data in _demo_clients(rng)]
        uow.commit()
    summary = {"clients": len(clients)}
    for extend in DEMO_EXTENSIONS:
        summary.update(extend(ctx, rng))
    return summary


def _billing(ctx: AppContext, rng: random.Random) -> dict[str, int]:
    from app.services.demo_billing import load_demo_billing

    return load_demo_billing(ctx, rng)


def _exceptions(ctx: AppContext, rng: random.Random) -> dict[str, int]:
    from app.services.demo_exceptions import load_demo_exceptions

    return load_demo_exceptions(ctx, rng)


# Each part of the product adds its demo data here, in order, with the same
# seeded generator.
DEMO_EXTENSIONS: list[Any] = [_billing, _exceptions]
