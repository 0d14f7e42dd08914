"""What `dli serve` adds to uvicorn: a deadline for request headers, and no secrets in access logs."""

import asyncio
import logging
import os
import re
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
# Candidate links carry a bearer secret in their path (/i/<token>, /interview-sessions/<token>).
_LINK_TOKEN = re.compile(r"(/i/|/interview-sessions/)[A-Za-z0-9_-]{16,}")


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing connections whose request headers take too long.

    uvicorn limits how long an idle keep-alive connection lives, not how long a client may take
    to send its headers: without this, a client trickling one header byte at a time holds a
    connection open for as long as it likes (the "slowloris" attack).
    """

    @property
    def header_timeout_s(self) -> float:
        return float(os.environ.get("DLI_HEADER_TIMEOUT_S", HEADER_TIMEOUT_S))

    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(cast(asyncio.Transport, transport))  # a TCP connection's
        self._arm_header_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def redact(text: str) -> str:
    return _LINK_TOKEN.sub(r"\1[token]", text)


class RedactLinkTokens(logging.Filter):
    """Access-log lines keep the path but never an interview link's token (only its hash is stored)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "dli"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
            logger.addFilter(RedactLinkTokens())


def uvicorn_options(header_timeout_s: float) -> dict[str, Any]:
    # By name and through the environment: with several processes, each imports it anew.
    os.environ["DLI_HEADER_TIMEOUT_S"] = str(header_timeout_s)
    return {"http": "app.serving:HeaderTimeoutProtocol", "timeout_keep_alive": 5}
