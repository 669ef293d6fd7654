"""Payer names as banks write them, and how clients are recognised by them."""

from __future__ import annotations

import pytest

from app.core.matching import ClientProfile, learn_alias, name_variants, token_set_similarity
from app.core.matching.payers import ClientDirectory


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        ("Hugo Müller", ("HUGO MUELLER", "HUGO MULLER")),
        ("Jonas Sørensen", ("JONAS SOERENSEN", "JONAS SORENSEN")),
        ("Emil Weiß", ("EMIL WEISS",)),
        ("Tomás García", ("TOMAS GARCIA",)),
        ("Greenleaf Media Sp. z o.o.", ("GREENLEAF MEDIA",)),
        ("LIGHTHOUSE FITNESS SP. Z O", ("LIGHTHOUSE FITNESS",)),  # cut by the bank
        ("Harbor Media & Co", ("HARBOR MEDIA",)),
        ("Falcon Bau GmbH & Co. KG", ("FALCON BAU",)),
        ("Pioneer Studio B.V.", ("PIONEER STUDIO",)),
        ("Nora O'Brien", ("NORA OBRIEN",)),
        ("GmbH", ("GMBH",)),  # never strips a name to nothing
    ],
)
def test_names_are_folded_and_lose_their_legal_form(name: str, variants: tuple) -> None:
    assert name_variants(name) == variants


def test_similarity_is_one_for_equal_names_and_low_for_strangers() -> None:
    assert token_set_similarity("HARBOR MEDIA", "HARBOR MEDIA") == 1.0
    assert token_set_similarity("MERIDIAN PRINT", "MERIDIAN PRINT STUDIO") == 1.0
    assert token_set_similarity("HUGO MUELER", "HUGO MUELLER") > 0.85
    assert token_set_similarity("JUNIPER TRADING", "CEDAR DESIGN") < 0.3
    assert token_set_similarity("", "CEDAR DESIGN") == 0.0


def _directory(*clients: ClientProfile) -> ClientDirectory:
    return ClientDirectory(clients, token_set_similarity)


def test_payer_known_by_account_or_by_equal_name() -> None:
    muller = ClientProfile(1, "Hugo Müller", (), ("DE44 5001 0517 5407 3249 31",))
    directory = _directory(muller, ClientProfile(2, "Cedar Design Inc."))
    assert directory.identify("", "DE44500105175407324931").known == 1
    assert directory.identify("HUGO MULLER", "").known == 1
    assert directory.identify("CEDAR DESIGN", "").known == 2
    assert directory.identify("CEDAR DESIGNS LTD", "").known is None


def test_an_account_and_a_name_of_different_clients_leave_the_payer_unknown() -> None:
    directory = _directory(
        ClientProfile(1, "Hugo Müller", (), ("DE44500105175407324931",)),
        ClientProfile(2, "Cedar Design Inc."),
    )
    payer = directory.identify("CEDAR DESIGN INC", "DE44500105175407324931")
    assert payer.known is None
    assert payer.identified == {1, 2}


def test_names_differing_only_in_legal_form_are_told_apart_when_it_is_written() -> None:
    directory = _directory(
        ClientProfile(1, "Oakridge Logistics"), ClientProfile(2, "Oakridge Logistics S.L.")
    )
    assert directory.identify("OAKRIDGE LOGISTICS S.L.", "").known == 2
    # Without a legal form the bank may have cut it: either client.
    assert directory.identify("OAKRIDGE LOGISTICS", "").known is None


def test_similar_clients_are_found_by_shared_words() -> None:
    directory = _directory(
        ClientProfile(1, "Keystone Software S.L."), ClientProfile(2, "Cedar Design Inc.")
    )
    payer = directory.identify("KEYSTONE SOFTWAR", "")
    assert payer.known is None
    assert [c for c, _ in directory.similar_clients(payer)] == [1]


def test_learnt_alias_and_account_make_the_payer_known() -> None:
    client = ClientProfile(7, "Keystone Software S.L.", (), ("ES9121000418450200051332",))
    taught = learn_alias(client, "KEYSTONE HOLDING GROUP", "be71 0961 2345 6769")
    assert taught.aliases == ("KEYSTONE HOLDING GROUP",)
    assert taught.ibans == ("ES9121000418450200051332", "BE71096123456769")
    payer = _directory(taught).identify("Keystone Holding Group", "")
    assert payer.known == 7
    assert payer.by_alias == (7,)


def test_learning_what_is_already_known_changes_nothing() -> None:
    client = ClientProfile(7, "Hugo Müller", ("HM Consulting",), ("DE44500105175407324931",))
    assert learn_alias(client, "HUGO MUELLER", "DE44 5001 0517 5407 3249 31") is client
    assert learn_alias(client, "", "") is client
