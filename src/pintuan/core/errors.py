"""Domain errors with stable codes, answered as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra = extra

    def problem(self) -> dict[str, Any]:
        return {
            "type": f"https://pintuan.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            **self.extra,
        }


class ValidationFailed(DomainError):
    status = 422
    default_code = "validation_failed"
    title = "Validation failed"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    title = "Conflict"


class Unauthorized(DomainError):
    status = 401
    default_code = "unauthorized"
    title = "Unauthorized"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
    title = "Forbidden"


class MethodNotAllowed(DomainError):
    status = 405
    default_code = "method_not_allowed"
    title = "Method not allowed"


class InternalError(DomainError):
    status = 500
    default_code = "internal_error"
    title = "Internal error"


class TooLarge(DomainError):
    status = 413
    default_code = "body_too_large"
    title = "Content too large"


class TooManyRequests(DomainError):
    status = 429
    default_code = "rate_limited"
    title = "Too many requests"
