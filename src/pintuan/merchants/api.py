"""The merchant's own account and API keys."""

from __future__ import annotations

from fastapi import APIRouter

from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Merchant, read, write
from pintuan.merchants import service, store
from pintuan.merchants.schemas import IssuedKeyOut, KeyIn, KeyOut, MerchantOut

router = APIRouter(prefix="/v1", tags=["merchant"])


@router.get("/merchant", response_model=MerchantOut)
def me(m: Merchant, c: ContainerDep) -> MerchantOut:
    return read(c, lambda tx: MerchantOut.model_validate(service.merchant(tx, m.merchant_id)))


@router.post("/api-keys", status_code=201, response_model=IssuedKeyOut)
def create_key(body: KeyIn, m: Merchant, c: ContainerDep) -> IssuedKeyOut:
    def action(tx: Tx) -> IssuedKeyOut:
        issued = service.issue_key(tx, merchant_id=m.merchant_id, label=body.label)
        tx.session.flush()
        return IssuedKeyOut(**KeyOut.model_validate(issued.row).model_dump(),
                            secret=issued.secret)
    return write(c, action)


@router.get("/api-keys", response_model=list[KeyOut])
def list_keys(m: Merchant, c: ContainerDep) -> list[KeyOut]:
    return read(c, lambda tx: [KeyOut.model_validate(k)
                               for k in store.list_keys(tx, m.merchant_id)])


@router.post("/api-keys/{key_id}/revoke", response_model=KeyOut)
def revoke_key(key_id: str, m: Merchant, c: ContainerDep) -> KeyOut:
    return write(c, lambda tx: KeyOut.model_validate(
        service.revoke_key(tx, merchant_id=m.merchant_id, key_id=key_id)))
