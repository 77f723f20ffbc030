"""Shopper sign-up and sign-in, per store."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Shopper, write
from pintuan.merchants import service as merchants
from pintuan.schemas import Request, Resource
from pintuan.shoppers import service

router = APIRouter(prefix="/v1", tags=["shopper"])


class SignUpIn(Request):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)


class SignInIn(Request):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class SessionOut(Resource):
    shopper_id: str
    name: str
    token: str
    created_at: datetime


def _out(signed: service.SignedIn) -> SessionOut:
    return SessionOut(shopper_id=signed.shopper.id, name=signed.shopper.name,
                      token=signed.token, created_at=signed.shopper.created_at)


@router.post("/stores/{slug}/shoppers", status_code=201, response_model=SessionOut)
def sign_up(slug: str, body: SignUpIn, c: ContainerDep) -> SessionOut:
    def action(tx: Tx) -> SessionOut:
        merchant = merchants.merchant_by_slug(tx, slug)
        return _out(service.sign_up(tx, merchant_id=merchant.id, email=body.email,
                                    name=body.name, password=body.password))
    return write(c, action)


@router.post("/stores/{slug}/sessions", status_code=201, response_model=SessionOut)
def sign_in(slug: str, body: SignInIn, c: ContainerDep) -> SessionOut:
    def action(tx: Tx) -> SessionOut:
        merchant = merchants.merchant_by_slug(tx, slug)
        return _out(service.sign_in(tx, merchant_id=merchant.id, email=body.email,
                                    password=body.password))
    return write(c, action)


@router.get("/me")
def me(s: Shopper) -> dict[str, str]:
    return {"shopper_id": s.shopper_id, "merchant_id": s.merchant_id, "name": s.name}
