"""JSON-2 client of Odoo's ``purchase.bot.gateway`` (contract: docs/bot-gateway.md)."""

from __future__ import annotations

import logging

import httpx

from . import __version__
from .logsafe import redact

_logger = logging.getLogger(__name__)
MODEL = "purchase.bot.gateway"


class GatewayError(Exception):
    """An expected refusal from Odoo: ``code`` and a ``message`` ready to show the user."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class GatewayUnavailable(Exception):
    """Odoo could not be reached or answered outside the contract (a deployment fault)."""


class GatewayClient:
    """Calls gateway methods with the worker's API key; never logs the key."""

    def __init__(
        self,
        base_url: str,
        database: str,
        api_key: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "User-Agent": f"purchase-bot-worker/{__version__}",
        }
        if database:
            headers["X-Odoo-Database"] = database
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, **kwargs) -> dict:
        """Call ``method`` with keyword arguments; the answer object, or raise.

        Raises :class:`GatewayError` for an ``{"error": …}`` answer and
        :class:`GatewayUnavailable` for anything else that is not a JSON object with HTTP 200.
        """
        try:
            response = await self._client.post(f"/json/2/{MODEL}/{method}", json=kwargs)
        except httpx.HTTPError as exc:
            _logger.warning(
                "Odoo gateway %s unreachable: %s %s", method, type(exc).__name__, redact(exc)
            )
            raise GatewayUnavailable(method) from None
        if response.status_code != 200:
            _logger.warning(
                "Odoo gateway %s answered HTTP %s: %s",
                method,
                response.status_code,
                redact(_error_summary(response)),
            )
            raise GatewayUnavailable(method)
        try:
            data = response.json()
        except ValueError:
            _logger.warning("Odoo gateway %s answered something that is not JSON", method)
            raise GatewayUnavailable(method) from None
        if not isinstance(data, dict):
            _logger.warning("Odoo gateway %s answered %s, not an object", method, type(data))
            raise GatewayUnavailable(method)
        error = data.get("error")
        if error is not None:
            if not isinstance(error, dict):
                error = {"code": "invalid", "message": str(error)}
            code = str(error.get("code") or "invalid")
            _logger.info("Odoo gateway %s refused: %s", method, code)
            raise GatewayError(code, str(error.get("message") or code))
        return data


def _error_summary(response: httpx.Response) -> str:
    """A short description of an error answer (Odoo's JSON-2 errors carry name and message)."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].replace("\n", " ")
    if isinstance(data, dict):
        return f"{data.get('name', '')} {str(data.get('message', ''))[:200]}".strip()
    return str(data)[:200]
