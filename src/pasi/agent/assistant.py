"""The assistant turn: record the message, assemble context, run the tool loop, record the reply.

:meth:`Assistant.turn` is a generator of events, so a terminal or a web socket can show text as
the model writes it. When the turn ends, the reply is an episode (role ``assistant``) next to the
message, and the ``answers`` table holds what shaped it: the context items by tag, the tool
calls, the model. A learner, when one is given, then gets both episode ids to extract memories.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol

from pasi.agent.answer_record import resolve_citations, what_shaped
from pasi.agent.charter_rules import apply_charter
from pasi.agent.context import Context, ContextAssembler, ContextLimits, user_words
from pasi.agent.deadline import TurnDeadline, within
from pasi.agent.events import Answer, Citation, Event, TextDelta, ToolFinished, ToolStarted
from pasi.agent.fallback import (
    acted,
    copied_context,
    deadline_note,
    done_line,
    failure_reason,
    has_words,
    memory_answer,
    not_set_note,
    stopped_message,
)
from pasi.agent.intents import Intent, act_locally, local_intent
from pasi.agent.offline import answer_from_memory
from pasi.agent.safeguards import (
    confirmations,
    ledger_of,
    screen_message,
    screen_reply,
    taint_of,
    waiting_notice,
)
from pasi.agent.tokens import token_counter
from pasi.agent.tool_choice import distinct, relevant_tools, requested, unmet_requests
from pasi.agent.turn_state import TurnState
from pasi.clock import Clock, system_clock
from pasi.errors import PasiError
from pasi.memory.store import DEFAULT_CONVERSATION, MemoryStore, Turn
from pasi.models.chat import ChatModel, ChatRequest, Completion, Message, ToolCall, ToolSpec
from pasi.models.locality import is_local
from pasi.models.metered import Meter, MeteredModel
from pasi.models.tool_text import hide_calls
from pasi.models.toolcalls import check_call, repeat_problem, sendable
from pasi.privacy.policy import withheld_note
from pasi.safety.policy import SafetyClassifier
from pasi.tools.consent import ConsentGate
from pasi.tools.registry import (
    ToolContext,
    Toolset,
    default_tools,
    error_result,
    specs,
)
from pasi.vault import answers
from pasi.vault import episodes as ep

MAX_ROUNDS = 5
TOOL_ROUNDS = 2  # rounds whose calls ran, before a request without tools asks for the answer


TURN_SECONDS = 120.0
EMPTY_REPLY = "(the model returned no text)"


class Learner(Protocol):
    def enqueue(self, episode_ids: list[int]) -> object: ...


class Assistant:
    def __init__(
        self,
        memory: MemoryStore,
        model: ChatModel,
        *,
        tools: Toolset | None = None,
        learner: Learner | None = None,
        clock: Clock = system_clock,
        limits: ContextLimits | None = None,
        source_uri: str = DEFAULT_CONVERSATION,
        max_rounds: int = MAX_ROUNDS,
        tool_offer: str = "relevant",
        tool_rounds: int = TOOL_ROUNDS,
        safety: SafetyClassifier | None = None,
        local_intents: bool = True,
        turn_seconds: float = TURN_SECONDS,
    ) -> None:
        self.memory = memory
        self.local_intents = local_intents  # clear reminders and notes run without the model
        self.safety = safety  # the content policy (pasi.safety.policy); None: no checks
        self.model = model
        self.tools = tools if tools is not None else default_tools()
        self.learner = learner
        self.source_uri = source_uri
        self.max_rounds = max_rounds
        self.tool_offer = tool_offer  # "relevant": the tools the message may need (tool_choice)
        self.tool_rounds = tool_rounds  # rounds of tool calls before the answer must be words
        self.turn_seconds = turn_seconds  # the deadline of a turn's model calls
        self.context = ContextAssembler(
            memory, clock, limits=limits, count=token_counter(model), source_uri=source_uri,
            remote=not is_local(model),
        )  # fmt: skip
        self.clock = clock
        self.last_context: Context | None = None  # what the latest turn showed the model

    def ask(self, message: str) -> Answer:
        """The whole turn at once: the final answer, without the streamed events."""
        for event in self.turn(message):
            if isinstance(event, Answer):
                return event
        raise AssertionError("a turn always ends with an Answer")  # pragma: no cover

    def turn(
        self, message: str, *, history: Sequence[Message] = (), max_tokens: int | None = None
    ) -> Iterator[Event]:
        """``history``: earlier messages of a conversation the client keeps (the OpenAI API).
        The model sees them before ``message``; only ``message`` and the reply are recorded.
        Their system messages join pasi's own, since many chat templates allow only one. The
        volatile context rides in the last user message (:meth:`Context.user_message`).

        Every model call of the turn goes through a meter (``pasi why`` shows its totals)."""
        model = self.model
        self.model = MeteredModel(model, Meter(), self.context.count)
        try:
            yield from self._turn(message, history, max_tokens)
        finally:
            self.model = model

    def _turn(
        self, message: str, history: Sequence[Message], max_tokens: int | None
    ) -> Iterator[Event]:
        question_id = self._record_turn(message, "user")
        intent = self._intent(message)  # a clear reminder or "remember that": no model call
        if intent is None:
            context = self.context.assemble(message, exclude=[question_id])
        else:
            context = Context(message, self.clock(), self.context.limits.tokens)
        self.last_context = context
        system = "\n\n".join(
            [context.system_prompt()] + [m.content for m in history if m.role == "system"]
        )
        earlier = [m for m in history if m.role != "system"]
        state = TurnState(
            [Message("system", system), *earlier, Message("user", context.user_message())]
        )
        state.max_tokens = max_tokens
        refusal = screen_message(self.safety, message, state.screening)
        if refusal is not None:  # the model never sees it; pasi answers with care
            state.text.append(refusal)
            yield TextDelta(refusal)
        elif intent is not None:
            yield from self._act_locally(intent, state, question_id)
        else:
            gate = ConsentGate(
                self.tools, taint_of(context), self.source_uri, self.clock,
                ledger_of(context, message, history), asked_for=requested(message, self.tools),
            )  # fmt: skip
            tool_context = ToolContext(self.memory, question_id, remote=self.context.remote)
            yield from self._loop(state, tool_context, gate)
            yield from self._unmet(state, message)
            state.tainted = gate.taint.tainted
            yield from self._screen_reply(state, message)
            yield from self._withheld_notice(state, context)
        state.text, notices = apply_charter(  # no bait; the budget note; consent, asked once
            self.memory, message, state.text, self.clock(), self.source_uri
        )
        yield from notices
        yield self._finish(state, context, question_id)

    def _intent(self, message: str) -> Intent | None:
        if not self.local_intents:
            return None
        return local_intent(self.memory, self.tools, message, self.clock())

    def _act_locally(self, intent: Intent, state: TurnState, question_id: int) -> Iterator[Event]:
        context = ToolContext(self.memory, question_id, remote=self.context.remote)
        for event in act_locally(intent, self.tools, context, self.source_uri, self.clock):
            if isinstance(event, ToolFinished):
                state.results.append(event.result)
            elif isinstance(event, TextDelta):
                state.text.append(event.text)
            yield event

    def _unmet(self, state: TurnState, message: str) -> Iterator[Event]:
        """A reminder or goal the user asked for and no tool made: said plainly, whatever the
        model wrote ("I will remind you" with nothing set)."""
        if state.waiting:  # held for the user's consent: the notice says so already
            return
        ran = [r.call.name for r in state.results if r.ok]
        for what in unmet_requests(message, ran):
            notice = f"\n\n{not_set_note(what)}"
            state.text.append(notice)
            yield TextDelta(notice)

    def _screen_reply(self, state: TurnState, message: str) -> Iterator[Event]:
        """An unsafe reply is replaced in the record and the answer; what streamed is noted."""
        replacement = screen_reply(self.safety, message, "".join(state.text), state.screening)
        if replacement is not None:
            state.text = [replacement]
            yield TextDelta("\n\n[pasi withheld the answer above] " + replacement)

    def _withheld_notice(self, state: TurnState, context: Context) -> Iterator[Event]:
        """A remote model answered without data kept off it: the user is told, not misled."""
        count = context.withheld + sum(r.data.get("withheld", 0) for r in state.results)
        if count:
            notice = ("\n\n" if "".join(state.text).strip() else "") + withheld_note(count)
            state.text.append(notice)
            yield TextDelta(notice)

    def _record_turn(self, text: str, role: str) -> int:
        """A chat turn, in a session per day: neighbours stay within one sitting, and indexing
        a new turn reads that day's turns, not the whole history of the conversation."""
        now = self.clock()
        turn = Turn(text, role=role, session=now.date().isoformat(), occurred_at=now)
        return self.memory.record_turns([turn], source_uri=self.source_uri)[0]  # type: ignore[return-value]

    def _loop(
        self, state: TurnState, tool_context: ToolContext, gate: ConsentGate
    ) -> Iterator[Event]:
        """The rounds, then never an empty reply: the answer from memory when the model failed."""
        asked = next((m.content for m in reversed(state.messages) if m.role == "user"), "")
        question = user_words(asked)  # without the context block that rides with it
        state.deadline = time.monotonic() + self.turn_seconds
        yield from self._rounds(state, tool_context, gate)
        yield from self._fallback(state, question, tool_context.episode_id)

    def _rounds(
        self, state: TurnState, tool_context: ToolContext, gate: ConsentGate
    ) -> Iterator[Event]:
        offered = specs(gate, tool_context)  # per turn: query_data lists today's views
        asked = next((m.content for m in reversed(state.messages) if m.role == "user"), "")
        needed = offered if self.tool_offer == "all" else relevant_tools(user_words(asked), offered)
        while state.rounds < self.max_rounds:
            state.rounds += 1
            tools = () if state.plain else needed
            request = ChatRequest(state.messages, tools, max_tokens=state.max_tokens)
            completion = yield from self._stream(request, state, offered)
            if completion is None or state.plain or not completion.tool_calls:
                return
            if state.rounds == self.max_rounds:
                break  # its calls would never be reported back: do not run them
            calls = distinct(completion.tool_calls)  # a small model writes one call 3 times
            sent = tuple(sendable(call) for call in calls)
            state.messages.append(Message("assistant", completion.text, sent))
            invalid = yield from self._run_calls(calls, offered, state, tool_context, gate)
            if gate.held != state.waiting:  # the turn ends; the user decides
                yield from self._await_consent(state, gate)
                return
            if invalid:  # one corrective round; failing again, one last request without tools
                state.plain, state.corrected = state.corrected, True
            else:  # enough tool rounds: now the answer, in words (small models chain calls)
                state.tool_rounds += 1
                state.plain = state.tool_rounds >= self.tool_rounds
            if time.monotonic() >= state.deadline:
                state.late = True
                return
        state.stopped = True
        notice = ("\n\n" if "".join(state.text).strip() else "") + stopped_message(state.rounds)
        state.text.append(notice)
        yield TextDelta(notice)

    def _run_calls(
        self,
        calls: Sequence[ToolCall],
        offered: Sequence[ToolSpec],
        state: TurnState,
        tool_context: ToolContext,
        gate: ConsentGate,
    ) -> Iterator[Event]:
        """Run the calls that fit the offered tools; the others come back to the model with
        what was wrong (an unknown name and the close ones, arguments against the schema, a call
        that repeats one already done: small models loop so, and each repeat is a new reminder)."""
        invalid = False
        for call in calls:
            checked = check_call(call, offered)
            ran = [r.call for r in state.results if r.ok]
            problem = checked.problem or repeat_problem(checked.call, ran)
            yield ToolStarted(checked.call)
            if problem is not None:
                invalid = True
                result = error_result(checked.call, problem)
            else:
                result = gate.run(checked.call, tool_context)
            state.results.append(result)
            state.messages.append(Message("tool", gate.fenced(result), tool_call_id=call.id))
            yield ToolFinished(checked.call, result)
        return invalid

    def _await_consent(self, state: TurnState, gate: ConsentGate) -> Iterator[Event]:
        waiting = confirmations([r for r in state.results if r.data.get("pending_action")])
        state.waiting = list(gate.held)
        notice = ("\n\n" if "".join(state.text).strip() else "") + waiting_notice(waiting)
        state.text.append(notice)
        yield from waiting
        yield TextDelta(notice)

    def _stream(
        self, request: ChatRequest, state: TurnState, offered: Sequence[ToolSpec]
    ) -> Iterator[Event]:
        """One model call, streamed until the turn's deadline. None when it failed or ran late
        (``state`` says why). Tool-call text is never shown, even in a request without tools."""
        completion: Completion | None = None
        pieces: list[str] = []
        said = "".join(state.text)  # an earlier round's words: this round's start apart from them
        apart = "\n\n" if said.strip() and not said[-1].isspace() else ""
        # Calls written as text are read here too, for a model not built by build_model (so not
        # wrapped by TextToolCalls), and in the last request, which offers no tools.
        chunks = hide_calls(self.model.stream(request), offered)
        held = 0  # pieces not shown yet: a reply shows once it has a word ("[12]" alone never)
        try:
            for chunk in within(chunks, state.deadline):
                if chunk.text:
                    pieces.append(chunk.text if pieces else apart + chunk.text)
                    held += 1
                    if has_words("".join(pieces[-held:])) or held < len(pieces):
                        yield TextDelta("".join(pieces[-held:]))
                        held = 0
                if chunk.completion is not None:
                    completion = chunk.completion
        except TurnDeadline:
            state.late = True
        except PasiError as error:  # a server down, a broken reply: the user still gets an answer
            state.failure = str(error) or type(error).__name__
        state.text.extend(pieces)
        if state.late or state.failure:
            return None
        return completion or Completion("".join(pieces))

    def _fallback(
        self, state: TurnState, question: str, question_id: int | None
    ) -> Iterator[Event]:
        """The model failed, ran out of time or said nothing: the best answer pasi has, with one
        line saying why, instead of an empty reply (pasi.agent.fallback)."""
        said = "".join(state.text).strip()
        if said and not has_words(said):  # "[12]": no words, so never shown (see _stream)
            state.text, said = [], ""
        shown = "\n\n" if said else ""  # streamed already: what replaces it starts apart
        if said and copied_context(said):  # a small model wrote out its notes, not an answer
            state.failure, state.text, said = "it copied its notes instead of answering", [], ""
        if not said and not state.failure and not state.late and acted(state.results):
            text = done_line(state.results)  # it did what was asked, then had nothing to add
            state.text.append(text)
            yield TextDelta(shown + text)
            return
        if said and not state.failure:
            if state.late:
                notice = "\n\n" + deadline_note(self.turn_seconds)
                state.text.append(notice)
                yield TextDelta(notice)
            return
        why = failure_reason(state.failure, state.late, state.plain, self.turn_seconds)
        exclude = [question_id] if question_id is not None else []
        found = answer_from_memory(self.memory, question, exclude, self.source_uri)
        answer = memory_answer(self.model.name, why, state.results, found)
        state.text.append(("\n\n" if said else "") + answer)  # the record: only what stands
        yield TextDelta(shown + answer)

    def _finish(self, state: TurnState, context: Context, question_id: int) -> Answer:
        # A model may emit NUL (a small or broken one does): the vault refuses it as text.
        text = "".join(state.text).replace("\x00", "").strip() or EMPTY_REPLY  # never, normally
        answer_id = self._record_turn(text, "assistant")
        citations = resolve_citations(self.memory, text)
        record = self._record(state, context, citations, question_id, answer_id)
        if self.learner is not None:
            self.learner.enqueue([question_id, answer_id])
        return Answer(
            text, self.model.name, question_id, answer_id, record, tuple(citations),
            tuple(state.results), state.rounds, state.stopped,
        )  # fmt: skip

    def _record(
        self,
        state: TurnState,
        context: Context,
        citations: list[Citation],
        question_id: int,
        answer_id: int,
    ) -> int:
        shaped = what_shaped(state, context, citations, self.model)
        with self.memory.vault.write() as conn:
            return answers.insert_answer(
                conn,
                source_id=ep.source_id_for(conn, self.source_uri),
                question_episode_id=question_id,
                answer_episode_id=answer_id,
                model=self.model.name,
                context=shaped,
                now=self.clock(),
            )
