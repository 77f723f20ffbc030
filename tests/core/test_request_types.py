"""Request bodies take JSON numbers and booleans as they are: no lax coercion of "5" to 5,
5.0 to 5 or 1 to true, which would let a client's type bug through silently."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError

from pintuan.schemas import Request


class Body(Request):
    quantity: Annotated[int, Field(ge=1)] = 1
    limit: int | None = None
    ratio: float = 0.5
    active: bool = False
    note: str = ""


@pytest.mark.parametrize("data", [
    {"quantity": 2}, {"limit": None}, {"limit": 3}, {"ratio": 1}, {"ratio": 0.25},
    {"active": True}, {"note": "5"},
])
def test_json_values_of_the_right_type_are_taken(data):
    body = Body.model_validate(data)
    assert {k: getattr(body, k) for k in data} == data


@pytest.mark.parametrize(("data", "says"), [
    ({"quantity": "2"}, "must be a JSON integer"),
    ({"quantity": 2.0}, "must be a JSON integer"),
    ({"quantity": True}, "must be a JSON integer"),
    ({"limit": "3"}, "must be a JSON integer"),
    ({"ratio": "0.5"}, "must be a JSON number"),
    ({"ratio": False}, "must be a JSON number"),
    ({"active": 1}, "must be true or false"),
    ({"active": "true"}, "must be true or false"),
])
def test_strings_and_lookalikes_are_refused(data, says):
    with pytest.raises(ValidationError, match=says):
        Body.model_validate(data)
