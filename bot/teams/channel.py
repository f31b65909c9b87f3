"""The Bot Framework channel layer: the only module that imports botbuilder.

- `RoleBot`: the activity handler: answers with citations, welcome, feedback, typing.
- `create_adapter`: a `CloudAdapter` with `ConfigurationBotFrameworkAuthentication`.
- `authenticate` and `process`: one turn, with replies delivered by `ReplySender` (see sender.py).

Storage backends are in storage.py, the checks on request bodies in validation.py, the token
pre-check and the signing keys in auth.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, ClassVar

from botbuilder.core import (
    ActivityHandler,
    ConversationState,
    InvokeResponse,
    MessageFactory,
    TurnContext,
)
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, Entity
from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity
from botframework.connector.auth.authenticate_request_result import AuthenticateRequestResult
from botframework.connector.auth.user_token_client import UserTokenClient
from msrest.exceptions import DeserializationError, SerializationError
from msrest.serialization import Model

from index import BatchingEmbedder

from ..answering.answer import Answer, Suggestion
from ..answering.engine import ConversationState as Memory
from ..answering.engine import Engine, VectorNeeded
from ..answering.wording import initials
from ..settings import Settings, SettingsError
from .commits import write
from .connector import SenderConnectorFactory
from .feedback import FeedbackStore
from .render import MAX_SUGGESTIONS, button_title, render_answer, render_text
from .sender import ChannelError, ReplySender
from .storage import StorageUnavailable
from .validation import BadActivity, check_activity

log = logging.getLogger(__name__)
WITHOUT_MEMORY = (
    "_I can't reach my memory just now, so I answered without what we said earlier."
    " If you meant a role from before, please name it, or ask again in a minute._"
)
MEMORY_UNAVAILABLE = "rolebot.memory_unavailable"  # turn state: the memory could not be read or saved
STATE_PROPERTY = "rolebot"
BUTTONS_PROPERTY = "rolebot_buttons"  # the last reply's buttons: title -> the question it asks
ROLE_TOPICS = ("training", "experience", "competences", "scope", "level", "onboarding")
STATE_ATTEMPTS = 5  # reads and re-applies of a turn whose state another instance changed meanwhile


class MessageEntity(Entity):
    """msrest drops unknown keys of `Entity`; this one keeps the schema.org citation fields."""

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        "type": {"key": "type", "type": "str"},
        "at_type": {"key": "@type", "type": "str"},
        "at_context": {"key": "@context", "type": "str"},
        "at_id": {"key": "@id", "type": "str"},
        "additional_type": {"key": "additionalType", "type": "[str]"},
        "citation": {"key": "citation", "type": "[object]"},
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(type=kwargs.get("type"))
        self.at_type = kwargs.get("@type")
        self.at_context = kwargs.get("@context")
        self.at_id = kwargs.get("@id")
        self.additional_type = kwargs.get("additionalType")
        self.citation = kwargs.get("citation")


def to_activity(data: dict[str, Any]) -> Activity:
    """A wire-form activity dict as a botbuilder `Activity`, keeping the citation entity."""
    activity = Activity.deserialize({k: v for k, v in data.items() if k != "entities"})
    if data.get("entities"):
        activity.entities = [MessageEntity(**entity) for entity in data["entities"]]
    return activity


def _text_of(activity: Activity) -> str:
    """The question, without the mention of the bot. (botbuilder's `remove_recipient_mention` fails
    on a mention with empty text and no `mentioned.name`, and reads the name as a pattern.)"""
    text = activity.text if isinstance(activity.text, str) else ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if not isinstance(entity.type, str) or entity.type.lower() != "mention" or not bot_id:
            continue
        properties = getattr(entity, "additional_properties", None) or {}
        mentioned = properties.get("mentioned")
        if not isinstance(mentioned, dict) or mentioned.get("id") != bot_id:
            continue
        said = properties.get("text")
        if not isinstance(said, str) or not said:
            name = mentioned.get("name")
            said = f"<at>{name}</at>" if isinstance(name, str) and name else ""
        if said:
            text = text.replace(said, " ")
    return " ".join(re.sub(r"<at>\s*</at>", " ", text).split())


def user_of(activity: Activity) -> str:
    """Who is asking, as stored: the Microsoft Entra (AAD) object id, which `rolebot purge --user`
    takes; else the channel's id for the user. Never their name."""
    sender = activity.from_property
    if sender is None:
        return ""
    for value in (getattr(sender, "aad_object_id", None), sender.id):
        if isinstance(value, str) and value:
            return value[:256]
    return ""


class _TypingIndicator:
    """Sends a typing activity only if the answer is not ready after `delay` seconds (most take a
    few ms: an indicator then would only cost a POST). A typing activity already on its way is let
    finish before the answer, so the channel never sees typing after the answer."""

    def __init__(self, turn_context: TurnContext, delay: float) -> None:
        self.turn_context = turn_context
        self.delay = delay
        self.sending = False
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.delay <= 0:
            await self._send()
        else:
            self.task = asyncio.create_task(self._after_delay())

    async def _after_delay(self) -> None:
        await asyncio.sleep(self.delay)
        await self._send()

    async def _send(self) -> None:
        self.sending = True
        try:
            await self.turn_context.send_activity(Activity(type=ActivityTypes.typing))
        except Exception:  # the answer matters, the indicator does not
            log.warning("could not send the typing indicator")

    async def stop(self) -> None:
        if self.task is None:
            return
        if self.sending:
            await self.task
        else:
            self.task.cancel()


class RoleBot(ActivityHandler):
    """Answers role-profile questions in Teams and any Bot Framework channel."""

    typing_delay = 0.3  # seconds before a typing indicator is shown; 0 sends it at once

    def __init__(
        self,
        engine: Engine,
        conversation_state: ConversationState,
        feedback: FeedbackStore,
        batcher: BatchingEmbedder | None = None,
        storage_timeout: float = 3.0,
    ) -> None:
        self.storage_timeout = storage_timeout
        self.engine = engine
        self.conversation_state = conversation_state
        self.memory = conversation_state.create_property(STATE_PROPERTY)
        self.buttons = conversation_state.create_property(BUTTONS_PROPERTY)
        self.feedback = feedback
        self.batcher = batcher

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        if turn_context.turn_state.get(MEMORY_UNAVAILABLE):
            return  # already answered without it; do not wait on the storage again
        try:
            await self.conversation_state.save_changes(turn_context)
        except StorageUnavailable as exc:
            log.warning("could not save the conversation's memory: %s", exc)

    async def _keep(self, what: str, method: Callable[..., Any], *args: Any) -> bool:
        """A feedback-log write within the storage budget; if it fails the turn goes on (logged)."""
        try:
            await asyncio.wait_for(write(method, *args), self.storage_timeout)
            return True
        except Exception as exc:  # the storage is down or slow, or refused the write
            log.warning("could not store %s: %s", what, type(exc).__name__)
            return False

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        question = _text_of(activity)
        if not question and isinstance(activity.value, dict) and isinstance(activity.value.get("question"), str):
            question = " ".join(activity.value["question"].split())[:1000]  # a card button posted as data
        if not question and activity.value is not None:
            await turn_context.send_activity(MessageFactory.text("I can only read typed questions."))
            return
        typing = _TypingIndicator(turn_context, self.typing_delay)
        await typing.start()
        try:
            started = time.perf_counter()
            # Saved before the reply goes out: a client can ask its follow-up the moment it shows.
            answer = await self._answer_and_remember(turn_context, question)
        finally:
            await typing.stop()
        reply = to_activity(render_answer(answer))
        reply.id = str(uuid.uuid4())
        conversation = activity.conversation.id if activity.conversation else ""
        # Recorded before it is sent: a feedback click can reach us before send_activity returns.
        # (Committed, in a batch with other turns' writes, before `write` returns.)
        await self._keep(
            "the answer's record",
            self.feedback.record_answer,
            reply.id,
            conversation,
            question,
            answer.topic,
            answer.roles,
            answer.declined,
            user_of(activity),
        )
        try:
            response = await turn_context.send_activity(reply)
        except Exception:
            await self._keep("that an answer was not delivered", self.feedback.forget_answer, reply.id)
            raise
        if response is not None and response.id and response.id != reply.id:
            await self._keep("the channel's id of an answer", self.feedback.rename_answer, reply.id, response.id)
        log.info(
            "answered: topic=%s declined=%s citations=%d in %.0f ms",
            answer.topic,
            answer.declined,
            len(answer.citations),
            (time.perf_counter() - started) * 1000,
        )

    async def _answer_and_remember(self, turn_context: TurnContext, question: str) -> Answer:
        """Answer from the stored memory and save the new memory before replying. If another instance
        changed this conversation's memory meanwhile (stale e-tag), re-read it and answer again."""
        for attempt in range(1, STATE_ATTEMPTS + 1):
            try:
                stored = await self.memory.get(turn_context, dict)
            except StorageUnavailable as exc:
                log.warning("could not read the conversation's memory: %s", exc)
                turn_context.turn_state[MEMORY_UNAVAILABLE] = True
                answer, _ = await self._answer(question, Memory())
                return replace(self.with_next_step(answer), text=f"{answer.text}\n\n{WITHOUT_MEMORY}")
            memory = Memory.from_dict(stored)
            offered = await self.buttons.get(turn_context, dict)  # read with the memory, above
            # A client may send a button's title rather than its question (the Playground does).
            asked = offered.get(_button_key(question), question) if isinstance(offered, dict) else question
            answer, memory = await self._answer(asked, memory)
            answer = self.with_next_step(answer)
            await self.memory.set(turn_context, memory.to_dict())
            await self.buttons.set(turn_context, offer(answer.suggestions))
            try:
                await self.conversation_state.save_changes(turn_context)
                return answer
            except StorageUnavailable as exc:  # answered all the same; the next turn may lack this one
                log.warning("could not save the conversation's memory: %s", exc)
                turn_context.turn_state[MEMORY_UNAVAILABLE] = True
                return answer
            except KeyError:  # StateConflict, or MemoryStorage's e-tag KeyError
                if attempt == STATE_ATTEMPTS:
                    raise
                log.info("conversation state changed meanwhile; re-reading it (attempt %d)", attempt)
                await asyncio.sleep(0.01 * attempt)
                await self.conversation_state.load(turn_context, force=True)
        raise AssertionError("unreachable")

    def with_next_step(self, answer: Answer) -> Answer:
        """An answer about one role offers the same question about the other ("and the SM?") first."""
        others = [p for p in self.engine.kb.profiles if p.role not in answer.roles]
        asked = next((p for p in self.engine.kb.profiles if p.role in answer.roles), None)
        # among many templates, the next role is one of the same area of work ("and the senior one?")
        area = asked.area_of_work.lower().split()[:2] if asked else []
        near = [p for p in others if p.area_of_work.lower().split()[:2] == area] or (others if len(others) == 1 else [])
        if answer.declined or len(answer.roles) != 1 or answer.topic not in ROLE_TOPICS or not near:
            return answer
        other = near[0]
        title = f"And the {initials(other)}?"
        if any(s.title == title for s in answer.suggestions):
            return answer
        step = Suggestion(title, f"and the {other.short_name.lower()}?")
        return replace(answer, suggestions=(step, *answer.suggestions)[:MAX_SUGGESTIONS])

    async def _answer(self, question: str, memory: Memory) -> tuple[Answer, Memory]:
        """The engine's answer; a question that needs retrieval is embedded by the batcher, off the
        event loop, unless its embedding is cached."""
        if self.batcher is None:
            return self.engine.answer(question, memory)
        for _ in range(3):  # the message's ask, and a reading that asks the last question again, may each need one
            try:
                return self.engine.answer(question, memory, embed=False)
            except VectorNeeded as needed:
                self.engine.remember(needed.text, await self.batcher.embed(needed.text))
        return self.engine.answer(question, memory)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        for member in members_added:
            if member.id != bot_id:
                await self.buttons.set(turn_context, offer(self.engine.starter_questions()))
                await turn_context.send_activity(to_activity(self.welcome()))

    def welcome(self) -> dict[str, Any]:
        roles = "\n".join(
            f"- **{p.short_name}** ({p.role}), career framework level {p.level}" for p in self.engine.kb.profiles
        )
        text = (
            "Hello! I answer questions about NHS role profiles, straight from the Skills for Health templates,"
            " and cite the template and section for everything I say: training and CPD, experience required,"
            " the level, the scope of the role, competences, and comparisons between roles. Starting a new"
            f" role? Tell me which one and I'll give you a checklist.\n\nRoles I know:\n{roles}"
        )
        return render_text(text, self.engine.starter_questions())

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name == "message/submitAction":
            value = activity.value if isinstance(activity.value, dict) else {}
            action = value.get("actionValue") if isinstance(value.get("actionValue"), dict) else {}
            reaction = str(action.get("reaction", "")) if action else ""
            comment = _feedback_text(action.get("feedback") if action else None)
            if value.get("actionName") != "feedback" or reaction not in ("like", "dislike"):
                return InvokeResponse(status=400, body={"error": "unsupported action"})
            conversation = activity.conversation.id if activity.conversation else ""
            kept = await self._keep(
                "feedback",
                self.feedback.record_feedback,
                activity.reply_to_id or "",
                conversation,
                reaction,
                comment,
                user_of(activity),
            )
            if not kept:  # the channel may send it again
                return InvokeResponse(status=503, body={"error": "feedback could not be stored just now"})
            log.info("feedback received: %s", reaction)
            return InvokeResponse(status=200, body={})
        # Adaptive Card actions, sign-in and message extensions are not used by this bot: botbuilder's
        # handlers for them fail on malformed values, so they are not reached.
        return InvokeResponse(status=501, body={"error": "unsupported invoke"})


def _button_key(text: str) -> str:
    return " ".join(text.lower().split()).rstrip("?. ")


def offer(suggestions: tuple[Suggestion, ...]) -> dict[str, str]:
    """The buttons a reply shows, by the title a client may send back instead of the question."""
    return {_button_key(button_title(s.title)): s.question for s in suggestions[:MAX_SUGGESTIONS]}


def _feedback_text(raw: Any) -> str:
    """Teams sends the free text as a JSON string ({"feedbackText": "..."})."""
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read: keep it as text
            return raw[:2000]
        raw = parsed
    if isinstance(raw, dict):
        return str(raw.get("feedbackText", ""))[:2000]
    return ""


def auth_configuration(settings: Settings) -> SimpleNamespace:
    if is_local_mode(settings):
        # botbuilder's "MultiTenant" path with no app id is its documented auth-disabled mode.
        return SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    return SimpleNamespace(
        APP_ID=settings.get("APP_ID"),
        APP_PASSWORD=settings.get("APP_PASSWORD"),
        APP_TYPE=settings.get("APP_TYPE"),
        APP_TENANTID=settings.get("APP_TENANTID"),
    )


class Authentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's authentication, with the user-token client (OAuth sign-in prompts) made once per
    app id instead of on every turn. `CloudAdapter` asks for one on each inbound activity; building
    it builds msrest configurations whose retry policy alone is a few ms of CPU, about 40 % of a
    turn's time on the event loop, for a client this bot never calls. The client holds only the
    app's credentials (which cache their token) and the OAuth endpoint, so one can serve every turn."""

    MAX_CLIENTS = 8  # app ids are the bot's own (validated tokens): one, or two with the emulator

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self._user_token_clients: dict[str | None, UserTokenClient] = {}

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
        if app_id is None:
            app_id = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        client = self._user_token_clients.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            if len(self._user_token_clients) >= self.MAX_CLIENTS:
                self._user_token_clients.clear()
            self._user_token_clients[app_id] = client
        return client


def create_adapter(settings: Settings) -> CloudAdapter:
    """The CloudAdapter, authenticating with APP_ID/APP_PASSWORD/APP_TYPE/APP_TENANTID."""
    try:
        auth = Authentication(auth_configuration(settings))
    except Exception as exc:  # botbuilder raises bare Exception for missing settings
        raise SettingsError(f"Bot Framework authentication settings are incomplete: {exc}") from None
    adapter = CloudAdapter(auth)

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        if isinstance(error, ChannelError):  # the channel itself is unreachable: no apology can get through
            log.warning("could not deliver a reply: %s", error)
            return
        log.exception("error in a turn", exc_info=error)
        try:
            await turn_context.send_activity(
                MessageFactory.text("Sorry, something went wrong on my side. Please try again in a moment.")
            )
        except Exception:  # the channel itself may be unreachable
            log.warning("could not send the apology to the channel")

    adapter.on_turn_error = on_error
    return adapter


class Unauthorized(PermissionError):
    """The request has no valid Bot Framework token (answered 401)."""


def parse_activity(body: Any) -> Activity:
    """An `Activity` from a decoded request body, or BadActivity naming what is wrong."""
    check_activity(body)
    try:
        activity = Activity.deserialize(body)
    except (DeserializationError, SerializationError, ValueError, TypeError, AttributeError) as exc:
        raise BadActivity(f"malformed activity: {str(exc)[:200]}") from None
    if not isinstance(activity.type, str) or not isinstance(activity.service_url, str):
        raise BadActivity("malformed activity")
    return activity


async def authenticate(adapter: CloudAdapter, activity: Activity, auth_header: str, sender: ReplySender) -> Any:
    """botbuilder's check of the token against the activity (local mode: anonymous), with replies
    going through `sender`."""
    try:
        result: AuthenticateRequestResult = await adapter.bot_framework_authentication.authenticate_request(
            activity, auth_header
        )
    except Exception as exc:  # botbuilder raises PermissionError, PyJWT errors, KeyError and bare Exception
        raise Unauthorized(type(exc).__name__) from None
    result.connector_factory = SenderConnectorFactory(sender)
    return result


async def process(adapter: CloudAdapter, bot: RoleBot, activity: Activity, authenticated: Any) -> tuple[int, Any]:
    """Run one authenticated turn. Works around botbuilder 4.17.1's stock handler: an invoke or
    expectReplies body that is already a dict is not serialized again."""
    response = await adapter.process_activity(authenticated, activity, bot.on_turn)
    if response is None:
        return 201, None
    body = response.body
    if isinstance(body, Model):
        body = body.serialize()
    return int(response.status), body


def is_local_mode(settings: Settings) -> bool:
    return not settings.get("APP_ID")
