"""The project's one error hierarchy: what the store, the models and the service raise on bad input.

Each class says what went wrong, not how a transport answers it: ``service/errors.py`` maps
them to HTTP statuses in one place, and the batch command uses the same map. ``field`` names
the input field at fault (``sectors[2]``, ``[3].eligibility.kind``) when there is one. It lives
at the bottom of the layers so that every layer can raise it.
"""

from __future__ import annotations

from typing import Any


class PartnermatchError(Exception):
    """Base of every error a caller can act on; the message says what is wrong and how to fix it."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        candidates: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers
        # the records the input may have meant (an ambiguous city name), for the caller to choose
        self.candidates = candidates


class InvalidInput(PartnermatchError, ValueError):
    """A value the input gives is malformed or unknown to the store (a sector id, a country code)."""


class NotFound(PartnermatchError, LookupError):
    """A record the input points at does not exist."""


class Conflict(PartnermatchError):
    """The input contradicts the stored state: a duplicate, a busy job, a version that cannot be served."""


class Unauthorized(PartnermatchError):
    """No credentials, or invalid ones."""


class Forbidden(PartnermatchError):
    """Valid credentials that lack the permission."""


class TooManyRequests(PartnermatchError):
    """Over a rate limit; ``headers`` carries Retry-After."""


class Unavailable(PartnermatchError):
    """Not possible yet (no model promoted) or right now; retry later."""
