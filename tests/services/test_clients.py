"""Clients end to end through the service layer: validation, archive, delete rules."""

from __future__ import annotations

import pytest

from app.core.clients import ClientData
from app.services import clients as svc
from app.services.errors import InvariantError, ValidationError


def test_create_validates_with_messages_a_user_understands(ctx: object) -> None:
    with pytest.raises(ValidationError) as info:
        svc.create_client(ctx, ClientData(name=" ", email="not-an-email", currency="EUX"))
    fields = {e.field: e.message for e in info.value.errors}
    assert fields["name"] == "Name is required."
    assert "'not-an-email' is not a valid e-mail address" in fields["email"]
    assert "'EUX' is not a currency code" in fields["currency"]
    assert svc.list_clients(ctx, svc.ClientQuery(include_archived=True)) == []


def test_archived_client_keeps_history_and_leaves_daily_lists(ctx: object) -> None:
    c = svc.create_client(ctx, ClientData(name="Zeta GmbH", email="ap@zeta.example"))
    svc.set_archived(ctx, c.id, True)
    assert [r.name for r in svc.list_clients(ctx, svc.ClientQuery())] == []
    rows = svc.list_clients(ctx, svc.ClientQuery(include_archived=True))
    assert [(r.name, r.archived) for r in rows] == [("Zeta GmbH", True)]
    assert svc.set_archived(ctx, c.id, False).archived is False


def test_delete_refused_when_the_client_has_invoices(ctx: object) -> None:
    from datetime import date

    from app.db.models import Invoice

    c = svc.create_client(ctx, ClientData(name="Has History"))
    with ctx.uow() as uow:  # type: ignore[attr-defined]
        now = ctx.clock.now_utc()  # type: ignore[attr-defined]
        uow.session.add(
            Invoice(
                client_id=c.id,
                issue_date=date(2026, 1, 1),
                due_date=date(2026, 1, 31),
                currency="EUR",
                created_at=now,
                updated_at=now,
            )
        )
        uow.commit()
    with pytest.raises(InvariantError, match="Archive it instead"):
        svc.delete_client(ctx, c.id)
    empty = svc.create_client(ctx, ClientData(name="No History"))
    svc.delete_client(ctx, empty.id)
    assert [r.name for r in svc.list_clients(ctx, svc.ClientQuery())] == ["Has History"]


def test_search_ignores_accents_and_case_and_sorts(ctx: object) -> None:
    for name, city in (("Müller Bau GmbH", "Köln"), ("Mueller & Sons", "Leeds"), ("Alpha", "Łódź")):
        svc.create_client(ctx, ClientData(name=name, city=city))
    found = [r.name for r in svc.list_clients(ctx, svc.ClientQuery(search="muller"))]
    assert found == ["Müller Bau GmbH"]
    assert [r.name for r in svc.list_clients(ctx, svc.ClientQuery(search="lodz"))] == ["Alpha"]
    names = [r.name for r in svc.list_clients(ctx, svc.ClientQuery(sort="name", descending=True))]
    assert names == ["Müller Bau GmbH", "Mueller & Sons", "Alpha"]
