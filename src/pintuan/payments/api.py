"""Provider webhooks, and the sandbox provider's hosted checkout page."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pintuan.core.money import Money
from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, RawBody, read, write
from pintuan.payments import provider as providers
from pintuan.payments import sandbox, service

router = APIRouter(tags=["payments"])


@router.post("/v1/payments/webhooks/{provider}")
def provider_webhook(provider: str, request: Request, raw: RawBody,
                     c: ContainerDep) -> dict[str, object]:
    impl = providers.get(provider)
    event = impl.verify(c.settings, request.headers, raw, now=int(c.clock.now().timestamp()))
    fresh = write(c, lambda tx: service.apply_event(tx, provider=impl.name, event=event))
    return {"received": True, "duplicate": not fresh}


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sandbox checkout</title><style>
body{{font:18px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}}
.amount{{font-size:2rem;font-weight:700}} button{{font-size:1.1rem;padding:.8rem 1.4rem;
margin:.4rem .4rem 0 0;border-radius:.5rem;border:2px solid #111;cursor:pointer}}
.approve{{background:#0a7d32;color:#fff;border-color:#0a7d32}}</style></head><body>
<h1>Sandbox payment</h1><p>This page stands in for a real payment provider.</p>
<p class="amount" data-testid="amount">{amount}</p><p>Status: <strong>{status}</strong></p>
{buttons}</body></html>"""
BUTTONS = """<form method="post" action="/sandbox/checkout/{id}/approve">
<p><label for="pay_with">Pay with</label><br><input id="pay_with" name="pay_with"
value="{pay_with}" maxlength="{max}" autocomplete="off" style="font-size:1.1rem;width:100%">
<br><small>A wallet or card identifier; the same one pays as the same instrument.</small></p>
<button class="approve" type="submit">Approve payment</button>
<button type="submit" formaction="/sandbox/checkout/{id}/decline">Decline</button>
</form>"""


def _checkout(tx: Tx, payment_id: str) -> tuple[sandbox.SandboxPaymentRow, str]:
    row = sandbox.checkout(tx, payment_id)
    return row, sandbox.default_pay_with(tx, row)


@router.get("/sandbox/checkout/{payment_id}", response_class=HTMLResponse,
            include_in_schema=False)
def checkout_page(payment_id: str, c: ContainerDep) -> HTMLResponse:
    row, pay_with = read(c, lambda tx: _checkout(tx, payment_id))
    buttons = (BUTTONS.format(id=html.escape(row.id), pay_with=html.escape(pay_with),
                              max=sandbox.PAY_WITH_MAX)
               if row.status == "requires_action" else "")
    return HTMLResponse(PAGE.format(amount=Money(row.amount_minor, row.currency).format(),
                                    status=html.escape(row.status), buttons=buttons))


def _decide(payment_id: str, c: ContainerDep, *, approve: bool,
            pay_with: str) -> RedirectResponse:
    row = write(c, lambda tx: sandbox.decide(tx, payment_id, approve=approve,
                                             pay_with=pay_with))
    return RedirectResponse(row.return_url, status_code=303)


@router.post("/sandbox/checkout/{payment_id}/approve", include_in_schema=False)
def approve(payment_id: str, c: ContainerDep,
            pay_with: Annotated[str, Form()] = "") -> RedirectResponse:
    return _decide(payment_id, c, approve=True, pay_with=pay_with)


@router.post("/sandbox/checkout/{payment_id}/decline", include_in_schema=False)
def decline(payment_id: str, c: ContainerDep,
            pay_with: Annotated[str, Form()] = "") -> RedirectResponse:
    return _decide(payment_id, c, approve=False, pay_with=pay_with)
