"""pintuan: a self-hosted social-commerce engine."""

__version__ = "0.1.0"
