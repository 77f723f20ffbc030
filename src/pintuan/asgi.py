"""The ASGI app for multi-process servers: ``uvicorn pintuan.asgi:app``."""

from __future__ import annotations

from pintuan import container
from pintuan.api import create_app
from pintuan.core.settings import Settings

app = create_app(container.build(Settings()))
