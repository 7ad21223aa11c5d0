"""API keys: shown once, stored as a SHA-256 hash, checked per scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from db.errors import Forbidden, NotFound, Unauthorized
from db.tables import ApiKey
from service.deps import SessionDep

SCOPES = ("read", "write", "admin")
KEY_PREFIX = "pm_"


def _hash(key: str) -> str:
    # keys are 32 random bytes, so a fast hash is enough (no dictionary to guess from)
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, *, name: str, scopes: list[str]) -> str:
    token = secrets.token_urlsafe(32)
    prefix = token[:8]
    key = f"{KEY_PREFIX}{prefix}.{token[8:]}"
    session.add(ApiKey(name=name, prefix=prefix, key_hash=_hash(key), scopes=sorted(set(scopes))))
    session.flush()
    return key


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones too, oldest first (the hashes are never shown)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke_api_key(session: Session, *, prefix: str) -> ApiKey:
    """Revoke the key whose prefix (the 8 characters after ``pm_``) is given; requests with it get 401."""
    prefix = prefix.removeprefix(KEY_PREFIX).split(".", 1)[0]
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise NotFound(f"no API key has the prefix {prefix!r}; list them with `partnermatch api-keys`")
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
    return row


def verify_api_key(session: Session, key: str) -> ApiKey | None:
    if not key.startswith(KEY_PREFIX) or "." not in key:
        return None
    prefix = key[len(KEY_PREFIX) :].split(".", 1)[0]
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)))
    if row is None or not hmac.compare_digest(row.key_hash, _hash(key)):
        return None
    row.last_used_at = dt.datetime.now(dt.UTC)
    return row


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_scope(scope: str) -> Callable[..., Awaitable[ApiKey | None]]:
    """Dependency: a valid key whose scopes include ``scope`` (admin implies every scope)."""

    async def dependency(request: Request, session: SessionDep) -> ApiKey | None:
        # async so that open reads cost no threadpool hop; the key check reads the database
        if scope == "read" and not request.app.state.settings.require_api_key_for_reads:
            return None
        return await run_in_threadpool(check, request, session)

    def check(request: Request, session: Session) -> ApiKey:
        token = bearer_token(request)
        if token is None:
            raise Unauthorized(
                f"this endpoint needs an API key with the '{scope}' scope: send 'Authorization: Bearer <key>'"
            )
        key = verify_api_key(session, token)
        if key is None:
            raise Unauthorized("the API key is not valid (unknown, revoked or mistyped)")
        if scope not in key.scopes and "admin" not in key.scopes:
            raise Forbidden(
                f"the API key lacks the '{scope}' scope (it has: {', '.join(key.scopes) or 'none'})"
            )
        return key

    return dependency


# a route's parameter (`_: ReadKey`), or a router's dependencies=[...] when all its routes need the scope
READ_SCOPE = Depends(require_scope("read"))
ADMIN_SCOPE = Depends(require_scope("admin"))
ReadKey = Annotated[ApiKey | None, READ_SCOPE]
WriteKey = Annotated[ApiKey | None, Depends(require_scope("write"))]
AdminKey = Annotated[ApiKey | None, ADMIN_SCOPE]
