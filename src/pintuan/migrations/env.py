"""Alembic environment: the URL comes from the config (set by ``pintuan migrate``)."""

from __future__ import annotations

from alembic import context

from pintuan import models
from pintuan.core.db import make_engine

config = context.config
target = models.metadata()

engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target,
                      render_as_batch=engine.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
