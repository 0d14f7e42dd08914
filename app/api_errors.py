"""The one error shape of the REST API, declared in the OpenAPI schema for every API route."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    error: str = Field(description="a stable code: unauthorized, not_found, rate_limited, ...")
    detail: str = Field(description="what went wrong, for a person")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": description}
    for code, description in {
        401: "No valid API token (or session)",
        403: "Not allowed for this account, or a missing CSRF header",
        404: "Not found, or not yours",
        409: "Not possible in the current state",
        413: "Body or code too large",
        422: "Malformed body or parameters",
        429: "Rate limited; see Retry-After",
        503: "The database could not commit; nothing was saved; see Retry-After",
    }.items()
}
