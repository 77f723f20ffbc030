"""Products, SKUs, locations, stock levels and the stock ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.catalog.model import DELTAS, Movement
from pintuan.core.db import Base, BigInt, table, updated_one
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_merchant", "merchant_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(500), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class SkuRow(Base):
    __tablename__ = "skus"
    __table_args__ = (
        UniqueConstraint("merchant_id", "code"),
        CheckConstraint("list_price_minor >= 0", name="price_nonneg"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    list_price_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]


class SkuPriceRow(Base):
    """Append-only history of a SKU's list price (prior-price rules read it)."""

    __tablename__ = "sku_prices"
    __table_args__ = (Index("ix_sku_prices_sku", "sku_id", "effective_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"))
    price_minor: Mapped[int] = mapped_column(BigInteger)  # up to 10**12 minor units
    effective_at: Mapped[datetime]


class LocationRow(Base):
    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class StockLevelRow(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("sku_id", "location_id"),
        CheckConstraint(
            "available >= 0 AND reserved >= 0 AND sold >= 0 AND returned >= 0 AND received >= 0",
            name="nonneg",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    received: Mapped[BigInt] = mapped_column(default=0)
    available: Mapped[BigInt] = mapped_column(default=0)
    reserved: Mapped[BigInt] = mapped_column(default=0)
    sold: Mapped[BigInt] = mapped_column(default=0)
    returned: Mapped[BigInt] = mapped_column(default=0)


class StockMovementRow(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_level", "stock_level_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    stock_level_id: Mapped[str] = mapped_column(ForeignKey("stock_levels.id"))
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int]
    ref: Mapped[str | None] = mapped_column(String(60), default=None)
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def get_product(tx: Tx, merchant_id: str, product_id: str) -> ProductRow | None:
    return tx.session.scalar(
        select(ProductRow).where(ProductRow.merchant_id == merchant_id, ProductRow.id == product_id)
    )


def list_products(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[ProductRow]:
    stmt = select(ProductRow).where(ProductRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(ProductRow.id > after)
    return list(tx.session.scalars(stmt.order_by(ProductRow.id).limit(limit)))


def get_sku(tx: Tx, merchant_id: str, sku_id: str) -> SkuRow | None:
    return tx.session.scalar(
        select(SkuRow).where(SkuRow.merchant_id == merchant_id, SkuRow.id == sku_id)
    )


def sku_by_code(tx: Tx, merchant_id: str, code: str) -> SkuRow | None:
    return tx.session.scalar(
        select(SkuRow).where(SkuRow.merchant_id == merchant_id, SkuRow.code == code)
    )


def skus_of(tx: Tx, merchant_id: str, product_ids: list[str]) -> list[SkuRow]:
    stmt = select(SkuRow).where(SkuRow.merchant_id == merchant_id,
                                SkuRow.product_id.in_(product_ids))
    return list(tx.session.scalars(stmt.order_by(SkuRow.id)))


def price_history(tx: Tx, sku_id: str) -> list[tuple[datetime, int]]:
    stmt = (select(SkuPriceRow.effective_at, SkuPriceRow.price_minor)
            .where(SkuPriceRow.sku_id == sku_id).order_by(SkuPriceRow.effective_at))
    return [(r.effective_at, r.price_minor) for r in tx.session.execute(stmt)]


def default_location(tx: Tx, merchant_id: str) -> LocationRow | None:
    return tx.session.scalar(
        select(LocationRow).where(LocationRow.merchant_id == merchant_id,
                                  LocationRow.is_default.is_(True))
    )


def get_location(tx: Tx, merchant_id: str, location_id: str) -> LocationRow | None:
    return tx.session.scalar(
        select(LocationRow).where(LocationRow.merchant_id == merchant_id,
                                  LocationRow.id == location_id)
    )


def stock_level(tx: Tx, sku_id: str, location_id: str) -> StockLevelRow | None:
    return tx.session.scalar(
        select(StockLevelRow).where(StockLevelRow.sku_id == sku_id,
                                    StockLevelRow.location_id == location_id)
    )


def stock_levels_of(tx: Tx, merchant_id: str, sku_id: str) -> list[StockLevelRow]:
    stmt = select(StockLevelRow).where(StockLevelRow.merchant_id == merchant_id,
                                       StockLevelRow.sku_id == sku_id)
    return list(tx.session.scalars(stmt))


def move(tx: Tx, *, level_id: str, merchant_id: str, movement: Movement, quantity: int,
         ref: str | None, note: str | None = None) -> bool:
    """Apply a movement with one guarded UPDATE and record it; False when the guard fails."""
    deltas, guard = DELTAS[movement]
    cols = table(StockLevelRow).c
    stmt = update(table(StockLevelRow)).where(cols.id == level_id)
    if guard is not None:
        stmt = stmt.where(cols[guard] >= quantity)
    if movement is Movement.RETURN:
        stmt = stmt.where(cols.sold - cols.returned >= quantity)
    stmt = stmt.values({k: cols[k] + d * quantity for k, d in deltas.items()})
    if not updated_one(tx.session, stmt):
        return False
    tx.session.add(StockMovementRow(
        id=new_id("mov"), merchant_id=merchant_id, stock_level_id=level_id,
        kind=movement.value, quantity=quantity, ref=ref, note=note, created_at=tx.now(),
    ))
    return True


def movements(tx: Tx, merchant_id: str, level_id: str, limit: int) -> list[StockMovementRow]:
    stmt = select(StockMovementRow).where(StockMovementRow.merchant_id == merchant_id,
                                          StockMovementRow.stock_level_id == level_id)
    return list(tx.session.scalars(stmt.order_by(StockMovementRow.id.desc()).limit(limit)))
