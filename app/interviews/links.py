"""Candidate links: a bearer token per interview, stored hashed, derivable again by the server.

The token is an HMAC of the interview id and a nonce under the server's secret key, so the
proctor can be shown the link again; rotating the nonce kills the old link at once.
"""

import base64
import hashlib
import hmac
import secrets

from fastapi import Request

from app.models import Interview


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_token(secret: str, interview_id: int, nonce: str) -> str:
    message = f"dli-interview-link:{interview_id}:{nonce}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def link_token(interview: Interview, *, secret: str) -> str | None:
    """The candidate link's token, shown again to the proctor; None if it cannot be made (a link
    from before rotation existed, or the server's secret key changed): rotate it then."""
    if interview.link_nonce is None:
        return None
    token = _link_token(secret, interview.id, interview.link_nonce)
    return token if hmac.compare_digest(hash_token(token), interview.token_hash) else None


def new_link_token(interview: Interview, *, secret: str) -> str:
    """Give the interview a new nonce and token hash (no event: see service.rotate_link)."""
    interview.link_nonce = secrets.token_hex(16)
    token = _link_token(secret, interview.id, interview.link_nonce)
    interview.token_hash = hash_token(token)
    interview.revoked_at = None
    return token


def link_url(request: Request, token: str) -> str:
    """The URL the candidate opens."""
    return str(request.base_url).rstrip("/") + f"/i/{token}"
