"""The API's errors: a JSON body in the shape Google's APIs answer with (so Google's client
libraries read it), with a stable `reason` code that clients may branch on.

    {"error": {"code": 404, "message": "…", "status": "NOT_FOUND",
               "errors": [{"reason": "notFound", "message": "…", "domain": "global"}]}}

The reasons are listed in `REASONS` and in docs/api.md; they never change meaning.
"""

from __future__ import annotations

from django.http import JsonResponse

# reason -> (HTTP status, Google's status name)
REASONS: dict[str, tuple[int, str]] = {
    "invalid": (400, "INVALID_ARGUMENT"),
    "badRequest": (400, "INVALID_ARGUMENT"),
    "invalidPageToken": (400, "INVALID_ARGUMENT"),
    "unauthorized": (401, "UNAUTHENTICATED"),
    "forbidden": (403, "PERMISSION_DENIED"),
    "insufficientScope": (403, "PERMISSION_DENIED"),
    "notFound": (404, "NOT_FOUND"),
    "methodNotAllowed": (405, "METHOD_NOT_ALLOWED"),
    "conflict": (409, "ABORTED"),
    "tooLarge": (413, "INVALID_ARGUMENT"),
    "unsupportedMediaType": (415, "INVALID_ARGUMENT"),
    "rateLimitExceeded": (429, "RESOURCE_EXHAUSTED"),
}


class ApiError(Exception):
    """Raised anywhere under a view to answer with one of `REASONS`."""

    def __init__(self, reason: str, message: str, *, field: str = "") -> None:
        assert reason in REASONS, reason
        super().__init__(message)
        self.reason, self.message, self.field = reason, message, field


def answer(error: ApiError) -> JsonResponse:
    code, status = REASONS[error.reason]
    detail = {"reason": error.reason, "message": error.message, "domain": "global"}
    if error.field:
        detail["location"] = error.field
    body = {"error": {"code": code, "message": error.message, "status": status, "errors": [detail]}}
    return JsonResponse(body, status=code)
