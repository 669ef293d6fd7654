"""Rewording through a real local HTTP server speaking the OpenAI chat-completions protocol.

Only a faithful rewrite is ever used; everything else falls back to the plain
template.  No request body ever carries a client's name, an amount or an
invoice number, and a non-local endpoint without consent is never contacted.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.services.assistant import reword, reword_and_fill
from app.services.secrets import set_secret
from app.services.settings import save_settings

TEMPLATE = (
    "Dear ⟦CLIENT_NAME⟧,\n\ninvoice ⟦INVOICE_NO⟧ for ⟦AMOUNT_DUE⟧ was due on ⟦DUE_DATE⟧ and is "
    "still open. Please arrange payment at your earliest convenience.\n\nKind regards"
)
FACTS = {
    "CLIENT_NAME": "Acme Trading Ltd",
    "INVOICE_NO": "INV-2026-00042",
    "AMOUNT_DUE": "€1,230.00",
    "DUE_DATE": "15 Nov 2026",
}
FAITHFUL = (
    "Hello ⟦CLIENT_NAME⟧,\n\nwe noticed that invoice ⟦INVOICE_NO⟧ over ⟦AMOUNT_DUE⟧, due on "
    "⟦DUE_DATE⟧, has not been paid yet. We would be grateful if you could settle it soon.\n\n"
    "Thank you and kind regards"
)
ADDS_AMOUNT = FAITHFUL.replace("settle it soon.", "settle it soon; a fee of €500 may apply.")
ADDS_DATE = FAITHFUL.replace("settle it soon.", "settle it by 12 March.")
DROPS_SLOT = FAITHFUL.replace(", due on ⟦DUE_DATE⟧,", "")
SLEEP = object()
GARBAGE = object()


class FakeEndpoint:
    """A chat-completions server on 127.0.0.1; replies are taken in order (the last repeats)."""

    def __init__(self) -> None:
        self.replies: list[Any] = [FAITHFUL]
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                owner.bodies.append(json.loads(raw))
                owner.headers.append(dict(self.headers))
                reply = owner.replies.pop(0) if len(owner.replies) > 1 else owner.replies[0]
                if reply is SLEEP:
                    time.sleep(2.0)
                    return
                if reply is GARBAGE:
                    payload = b"<html>502 upstream model crashed</html>"
                else:
                    payload = json.dumps(
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion",
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": reply},
                                    "finish_reason": "stop",
                                }
                            ],
                        }
                    ).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(ctx: Any, memory_keyring: Any) -> Iterator[FakeEndpoint]:
    fake = FakeEndpoint()
    save_settings(
        ctx,
        {
            "assistant.enabled": True,
            "assistant.endpoint": fake.url(),
            "assistant.model": "local-model",
            "assistant.timeout_seconds": "0.5",
        },
    )
    yield fake
    fake.close()


def _no_facts_sent(fake: FakeEndpoint) -> None:
    for body in fake.bodies:
        text = json.dumps(body, ensure_ascii=False)
        for fact in ("Acme Trading", "1,230", "1230", "INV-2026-00042", "00042"):
            assert fact not in text


def test_a_faithful_rewrite_is_used(ctx: Any, endpoint: FakeEndpoint) -> None:
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == FAITHFUL
    mail = reword_and_fill(ctx, TEMPLATE, FACTS, "en_IE")
    assert mail.startswith("Hello Acme Trading Ltd,\n\nwe noticed that invoice INV-2026-00042 over")
    assert "€1,230.00, due on 15 Nov 2026, has not been paid yet" in mail
    body = endpoint.bodies[0]
    assert body["model"] == "local-model" and body["temperature"] == 0.4
    assert body["messages"][1] == {"role": "user", "content": TEMPLATE}
    _no_facts_sent(endpoint)


@pytest.mark.parametrize(
    "bad",
    [ADDS_AMOUNT, ADDS_DATE, DROPS_SLOT, GARBAGE],
    ids=["€500", "12 March", "slot", "garbage"],
)
def test_a_bad_reply_is_retried_once_at_temperature_zero_then_dropped(
    ctx: Any, endpoint: FakeEndpoint, bad: Any
) -> None:
    endpoint.replies = [bad]
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == TEMPLATE
    assert [b["temperature"] for b in endpoint.bodies] == [0.4, 0.0]
    filled = reword_and_fill(ctx, TEMPLATE, FACTS, "en")
    assert filled.startswith("Dear Acme Trading Ltd,\n\ninvoice INV-2026-00042 for €1,230.00")
    assert "€500" not in filled and "March" not in filled
    _no_facts_sent(endpoint)


def test_the_retry_may_succeed(ctx: Any, endpoint: FakeEndpoint) -> None:
    endpoint.replies = [ADDS_DATE, FAITHFUL]
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == FAITHFUL
    assert [b["temperature"] for b in endpoint.bodies] == [0.4, 0.0]


def test_no_answer_before_the_timeout_gives_the_plain_template_quickly(
    ctx: Any, endpoint: FakeEndpoint
) -> None:
    endpoint.replies = [SLEEP]
    started = time.monotonic()
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == TEMPLATE
    assert time.monotonic() - started < 1.5  # one 0.5 s wait, not asked again
    assert len(endpoint.bodies) == 1


def test_the_key_from_the_keyring_is_sent(ctx: Any, endpoint: FakeEndpoint) -> None:
    set_secret("assistant.api_key", "sk-local-test")
    reword(ctx, TEMPLATE, set(FACTS), "en")
    assert endpoint.headers[0]["Authorization"] == "Bearer sk-local-test"


def test_a_non_local_endpoint_needs_consent(
    ctx: Any, endpoint: FakeEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'llm.example.net' resolves to the test server, so any request would be seen."""
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kw: Any) -> Any:
        return real("127.0.0.1" if host == "llm.example.net" else host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    save_settings(ctx, {"assistant.endpoint": endpoint.url("llm.example.net")})
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == TEMPLATE
    assert endpoint.bodies == []
    save_settings(ctx, {"assistant.allow_remote": True})
    assert reword(ctx, TEMPLATE, set(FACTS), "en") == FAITHFUL
    assert len(endpoint.bodies) == 1


def test_switched_off_by_default(ctx: Any, endpoint: FakeEndpoint) -> None:
    save_settings(ctx, {"assistant.enabled": False})
    assert reword_and_fill(ctx, TEMPLATE, FACTS, "en").startswith("Dear Acme Trading Ltd")
    assert endpoint.bodies == []
