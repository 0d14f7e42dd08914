"""The errors services raise, each with its HTTP status and a stable code.

Nothing here knows about HTTP frameworks or pages: `app.handlers` turns these into an API's
`{"error", "detail"}` JSON or a browser's error page.
"""


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Conflict(AppError):
    status_code, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status_code, code = 413, "payload_too_large"


class Invalid(AppError):
    status_code, code = 422, "invalid"


class RateLimited(AppError):
    status_code, code = 429, "rate_limited"


class Unavailable(AppError):
    status_code, code = 503, "unavailable"


class LoginRequired(AppError):
    """A page needs a signed-in user: browsers are sent to the sign-in form."""

    status_code, code = 401, "unauthorized"
