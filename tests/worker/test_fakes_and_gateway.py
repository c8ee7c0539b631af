"""The test doubles behave like the real servers where the worker depends on it, and the
gateway client keeps to the JSON-2 contract."""

import asyncio
import json
import time

import httpx
import pytest
from conftest import BOT_TOKEN
from telegram import Bot
from telegram.error import BadRequest, InvalidToken

from telegram_worker.gateway import GatewayClient, GatewayError, GatewayUnavailable


def test_fake_bot_api_blocks_long_polls_and_refuses_unknown_methods(telegram):
    """Like Telegram, the fake holds getUpdates until its timeout when nothing is pending,
    answers 400 (not 401/404, which PTB would call an invalid token) for unknown methods, and
    401 for a wrong token."""

    async def scenario():
        async with Bot(BOT_TOKEN, base_url=f"{telegram.url}/bot") as bot:
            start = time.monotonic()
            assert await bot.get_updates(timeout=1) == ()
            waited = time.monotonic() - start
            with pytest.raises(BadRequest, match="(?i)method not found"):
                await bot.do_api_request("sendTeapot", api_kwargs={"chat_id": 1})
            return waited

    waited = asyncio.run(scenario())
    assert 0.9 <= waited < 3
    with pytest.raises(InvalidToken):
        asyncio.run(Bot("1:wrong", base_url=f"{telegram.url}/bot").get_me())


def _client(handler) -> GatewayClient:
    return GatewayClient(
        "http://odoo.test:8069/",
        "purchase",
        "the-key",
        timeout=5,
        transport=httpx.MockTransport(handler),
    )


def test_gateway_request_shape():
    """A call is a POST to /json/2/purchase.bot.gateway/<method> with the Bearer key, the
    database header and the keyword arguments as a JSON object."""
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"products": []})

    async def scenario():
        client = _client(handler)
        try:
            return await client.call("search_products", telegram_user_id="42", query="x")
        finally:
            await client.aclose()

    assert asyncio.run(scenario()) == {"products": []}
    request = seen[0]
    assert str(request.url) == "http://odoo.test:8069/json/2/purchase.bot.gateway/search_products"
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer the-key"
    assert request.headers["X-Odoo-Database"] == "purchase"
    assert json.loads(request.content) == {"telegram_user_id": "42", "query": "x"}


@pytest.mark.parametrize(
    ("response", "raised"),
    [
        (httpx.Response(200, json={"error": {"code": "stale", "message": "Old"}}), GatewayError),
        (httpx.Response(200, text="<html>proxy error</html>"), GatewayUnavailable),
        (httpx.Response(200, json=[1, 2]), GatewayUnavailable),
        (
            httpx.Response(401, json={"name": "AccessDenied", "message": "bad key"}),
            GatewayUnavailable,
        ),
        (httpx.Response(502, text="Bad gateway"), GatewayUnavailable),
    ],
)
def test_gateway_answers_outside_the_happy_path(response, raised, caplog):
    """Refusals become GatewayError with code and message; anything off-contract (non-JSON,
    not an object, HTTP errors) becomes GatewayUnavailable, logged without the key."""

    async def scenario():
        client = _client(lambda request: response)
        try:
            await client.call("get_profile", telegram_user_id="1")
        finally:
            await client.aclose()

    with pytest.raises(raised) as error:
        asyncio.run(scenario())
    if raised is GatewayError:
        assert (error.value.code, error.value.message) == ("stale", "Old")
    assert "the-key" not in caplog.text


def test_gateway_network_failure():
    """A connection failure is GatewayUnavailable, not an httpx exception."""

    def handler(request):
        raise httpx.ConnectError("refused", request=request)

    async def scenario():
        client = _client(handler)
        try:
            await client.call("get_profile", telegram_user_id="1")
        finally:
            await client.aclose()

    with pytest.raises(GatewayUnavailable):
        asyncio.run(scenario())
