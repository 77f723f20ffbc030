"""Shopper sign-up and sign-in, per store."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Shopper, read, write
from pintuan.merchants import service as merchants
from pintuan.schemas import Request, Resource
from pintuan.shoppers import service
from pintuan.shoppers.store import ShopperRow

router = APIRouter(prefix="/v1", tags=["shopper"])
PHONE_HELP = ("Optional mobile number, stored in E.164; without a country code it is read in "
              "the store's phone region (mainland China by default).")


class SignUpIn(Request):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    phone: str | None = Field(default=None, max_length=40, description=PHONE_HELP)


class ProfileIn(Request):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=40,
                              description=PHONE_HELP + " Null or blank removes it.")


class ProfileOut(Resource):
    shopper_id: str
    merchant_id: str
    name: str
    email: str
    phone: str | None = Field(description="E.164, e.g. +8613800000000.")


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
                                    name=body.name, password=body.password, phone=body.phone))
    return write(c, action)


@router.post("/stores/{slug}/sessions", status_code=201, response_model=SessionOut)
def sign_in(slug: str, body: SignInIn, c: ContainerDep) -> SessionOut:
    def action(tx: Tx) -> SessionOut:
        merchant = merchants.merchant_by_slug(tx, slug)
        return _out(service.sign_in(tx, merchant_id=merchant.id, email=body.email,
                                    password=body.password))
    return write(c, action)


def _profile(row: ShopperRow) -> ProfileOut:
    return ProfileOut(shopper_id=row.id, merchant_id=row.merchant_id, name=row.name,
                      email=row.email, phone=row.phone)


@router.get("/me", response_model=ProfileOut)
def me(s: Shopper, c: ContainerDep) -> ProfileOut:
    return read(c, lambda tx: _profile(service.profile(tx, merchant_id=s.merchant_id,
                                                       shopper_id=s.shopper_id)))


@router.patch("/me", response_model=ProfileOut)
def update_me(body: ProfileIn, s: Shopper, c: ContainerDep) -> ProfileOut:
    """Change the name or the phone number; fields left out stay as they are."""
    given = body.model_fields_set
    phone = (body.phone or "") if "phone" in given else None
    return write(c, lambda tx: _profile(service.update_profile(
        tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id, name=body.name, phone=phone)))
