"""Baseline for scripts/loadtest.py: the stock BotBuilder echo bot, no model at all.

    python scripts/echo_bot.py --port 3979

The shape of BotBuilder-Samples' 02.echo-bot (Python): a `CloudAdapter` with
`ConfigurationBotFrameworkAuthentication`, the stock `adapter.process(request, bot)` handler and
`aiohttp_error_middleware`. No app id: local mode, loopback only.
"""

from __future__ import annotations

import argparse
from types import SimpleNamespace

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount

CONFIG = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")


class EchoBot(ActivityHandler):
    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity("Hello and welcome!")

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))


def make_app(bot: ActivityHandler) -> web.Application:
    """The sample's app: POST /api/messages through the stock adapter's `process`."""
    from botbuilder.integration.aiohttp import aiohttp_error_middleware

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(CONFIG))

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application(middlewares=[aiohttp_error_middleware])
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", lambda request: _ok())
    return app


async def _ok() -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=3979)
    args = parser.parse_args()
    web.run_app(make_app(EchoBot()), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
