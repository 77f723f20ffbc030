"""Money in integer minor units, and exact allocation of an amount over parts."""

from __future__ import annotations

from dataclasses import dataclass

from pintuan.core.errors import ValidationFailed

# The largest amount one request may name, in minor units (10 billion yuan in fen). Stored
# amounts and their running totals are 64-bit columns (core.db.BigInt), so sums of many fit.
MAX_MINOR = 10**12

CURRENCY_EXPONENTS: dict[str, int] = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "JPY": 0, "KRW": 0}


def check_currency(code: str) -> str:
    if code not in CURRENCY_EXPONENTS:
        raise ValidationFailed(f"unsupported currency {code!r}", code="unsupported_currency")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency in its minor unit (fen, cents). Never a float."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int")
        check_currency(self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationFailed(
                f"cannot combine {self.currency} with {other.currency}", code="currency_mismatch"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.minor * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    def allocate(self, weights: list[int]) -> list[Money]:
        """Split this amount in proportion to weights; the parts sum exactly to the whole.

        Remainders go one minor unit at a time to the parts with the largest fractional
        share (largest-remainder method), earlier parts first on ties.
        """
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValidationFailed("allocation weights must be non-negative with a positive sum")
        total = sum(weights)
        sign = -1 if self.minor < 0 else 1
        amount = abs(self.minor)
        shares = [amount * w // total for w in weights]
        remainders = [amount * w % total for w in weights]
        left = amount - sum(shares)
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            shares[i] += 1
        return [Money(sign * s, self.currency) for s in shares]

    def bps(self, basis_points: int) -> Money:
        """This amount times basis_points / 10,000, rounded half away from zero."""
        q, r = divmod(abs(self.minor) * abs(basis_points), 10_000)
        if r * 2 >= 10_000:
            q += 1
        negative = (self.minor < 0) != (basis_points < 0)
        return Money(-q if negative else q, self.currency)

    def format(self) -> str:
        exp = CURRENCY_EXPONENTS[self.currency]
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**exp) if exp else (abs(self.minor), 0)
        if not exp:
            return f"{sign}{whole} {self.currency}"
        return f"{sign}{whole}.{frac:0{exp}d} {self.currency}"
