"""Merchant endpoints for tiered bonus contracts."""

from __future__ import annotations

from fastapi import APIRouter

from pintuan.core.errors import NotFound
from pintuan.core.tx import Tx
from pintuan.creators import bonus_store, bonuses, service
from pintuan.creators.bonus import Tier
from pintuan.creators.schemas import ContractIn, ContractOut
from pintuan.http import ContainerDep, Merchant, read, write

router = APIRouter(prefix="/v1", tags=["creators"])


@router.post("/programs/{program_id}/bonus-contracts", status_code=201,
             response_model=ContractOut)
def create_contract(program_id: str, body: ContractIn, m: Merchant,
                    c: ContainerDep) -> ContractOut:
    """Promise a creator a bonus by GMV tiers over a period, e.g. reach 100,000 and earn
    5,000; exceed it by 30% and earn 12,000. Settled after the period's return window."""
    tiers = [Tier(t.gmv_target_minor, t.bonus_minor) for t in body.tiers]
    return write(c, lambda tx: ContractOut.model_validate(bonuses.create(
        tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=body.creator_id,
        starts_at=body.starts_at, ends_at=body.ends_at, tiers=tiers)))


@router.get("/programs/{program_id}/bonus-contracts", response_model=list[ContractOut])
def list_contracts(program_id: str, m: Merchant, c: ContainerDep) -> list[ContractOut]:
    def action(tx: Tx) -> list[ContractOut]:
        program = service.get_program(tx, merchant_id=m.merchant_id, program_id=program_id)
        return [ContractOut.model_validate(r) for r in bonus_store.of_program(tx, program.id)]
    return read(c, action)


@router.get("/bonus-contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: str, m: Merchant, c: ContainerDep) -> ContractOut:
    def action(tx: Tx) -> ContractOut:
        row = bonus_store.get(tx, m.merchant_id, contract_id)
        if row is None:
            raise NotFound(f"no bonus contract {contract_id}", code="contract_not_found")
        return ContractOut.model_validate(row)
    return read(c, action)
