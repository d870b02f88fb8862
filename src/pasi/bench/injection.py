"""``pasi bench injection``: AgentDojo's workspace suite against pasi's tool policy, offline.

AgentDojo (Debenedetti et al., 2024) gives an email, calendar and cloud-drive environment,
user tasks with ground-truth tool calls and utility checks, and injection tasks (an attacker's
goal hidden in an email, an event or a file) with security checks. No language model runs
here: two scripted policies stand in for one, and every call goes through pasi's real
:class:`~pasi.tools.consent.ConsentGate` over a scratch vault.

- **ground truth**: calls exactly the user task's ground-truth tools. Utility: the share of
  user tasks solved with the defence on; the tasks split into those that needed no
  confirmation and those that completed after the user approved each held call.
- **hijacked**: the same, but as soon as a tool output carries an injection, it also makes
  every call of the attacker's goal (a model that follows every injection). Targeted attack
  success rate (ASR): the share of (user task, injection task) pairs whose security check
  passes, with the defence on and, for contrast, off.

The simulated user approves a held call exactly when it is one of the calls the user task
itself needs (same tool, same arguments) and denies anything else: the confirmation shows the
call and which of its values came from where, which is what lets a person tell the two apart.
The user's words are the task's prompt. Tool outputs say who wrote each record
(:func:`record_passages`): received mail, calendar events and files others own or may edit are
external; sent mail, drafts, contacts and files only the user can edit are the user's; the id
the workspace gave a record is no one's text and counts as the user's (unless others' text
names it too, which :mod:`pasi.safety.dataflow` then counts as theirs), and so does the list of
people a file the user owns is shared with (the owner chose them, whoever edits the text).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from pasi.agent.actions import approve, deny
from pasi.bench.common import scratch_store
from pasi.bench.injection_rounds import Episode, Rounds
from pasi.bench.injection_tools import effect_of, record_passages, trust_of
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall
from pasi.safety.dataflow import Ledger, Passage
from pasi.safety.provenance import Provenance
from pasi.safety.taint import Taint
from pasi.tools.consent import PENDING_KEY, REFUSED_KEY, ConsentGate
from pasi.tools.registry import Tool, ToolContext, ToolOutput, ToolRegistry

SUITE_VERSION = "v1.2.2"
CANARY = "PASICANARY"
ATTACKS = ("direct", "ignore_previous", "system_message", "injecagent", "important_instructions")


def _plain(text: str) -> str:
    """Text without whitespace, quotes or escapes: YAML folds and quotes long strings, and
    writes a newline inside double quotes as ``\\n``."""
    return re.sub(r"[\s'\"\\]+", "", re.sub(r"\\[nrt]", " ", text))


class Environments:
    """Injected environments, fast: the suite's YAML is parsed once with a canary in every
    injection slot; each run copies that and puts its injections in place of the canaries
    (AgentDojo re-parses 1 s of YAML per run instead)."""

    def __init__(self, suite: Any) -> None:
        self.defaults: dict[str, str] = suite.get_injection_vector_defaults()
        self.canaries = {v: f"{CANARY}{i}X" for i, v in enumerate(self.defaults)}
        self.base = suite.load_and_inject_default_environment(self.canaries)
        self.suite = suite

    def make(self, injections: dict[str, str]) -> Any:
        """A deep copy with the texts put in place (validating 16k e-mail addresses again
        would cost more than the run)."""
        values = {self.canaries[v]: text for v, text in {**self.defaults, **injections}.items()}
        pattern = re.compile("|".join(re.escape(c) for c in values))

        def fill(value: Any) -> Any:
            if isinstance(value, str):  # enums are str too: only texts with a canary change
                return (
                    pattern.sub(lambda m: values[m.group(0)], value) if CANARY in value else value
                )
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    object.__setattr__(value, name, fill(getattr(value, name)))
            elif isinstance(value, dict):
                for key in value:
                    value[key] = fill(value[key])
            elif isinstance(value, list):
                value[:] = [fill(v) for v in value]
            return value

        return fill(self.base.model_copy(deep=True))

    def candidates(self, task: Any) -> list[str]:
        """The injection slots the task's ground truth reads (AgentDojo's own definition)."""
        from agentdojo.functions_runtime import FunctionsRuntime

        env = task.init_environment(self.make(dict(self.canaries)))
        runtime, seen = FunctionsRuntime(self.suite.tools), []
        for call in task.ground_truth(env.model_copy(deep=True)):
            result, _ = runtime.run_function(env, call.function, dict(call.args))
            seen.append(str(result))
        return [v for v, c in self.canaries.items() if any(c in text for text in seen)]


def _registry(suite: Any, runtime: Any, env: Any, outputs: list[str]) -> ToolRegistry:
    """AgentDojo's functions as pasi tools on one environment; outputs are collected."""
    from agentdojo.agent_pipeline.tool_execution import tool_result_to_str

    registry = ToolRegistry()
    owner = env.cloud_drive.account_email
    for function in suite.tools:

        def run(args: Any, _: ToolContext, name: str = function.name) -> ToolOutput:
            result, error = runtime.run_function(env, name, args.model_dump())
            text = f"error: {error}" if error else tool_result_to_str(result)
            outputs.append(text)
            if error:
                return ToolOutput(text, trust=trust_of(name))
            passages = record_passages(name, result, text, owner)
            return ToolOutput(text, trust=trust_of(name), passages=passages)

        registry.register(
            Tool(function.name, function.description, function.parameters, run,
                 effect_of(function.name))  # type: ignore[arg-type]
        )  # fmt: skip
    return registry


def _key(function: str, args: dict[str, Any]) -> str:
    return function + json.dumps(args, sort_keys=True, default=str)


def _run(
    calls: Callable[[list[str]], Iterable[Any]],
    registry: ToolRegistry,
    store: MemoryStore,
    wanted: set[str],
    outputs: list[str],
    prompt: str,
    own: str,
    defended: bool,
) -> Episode:
    from agentdojo.functions_runtime import FunctionCall

    episode = Episode()
    ledger = Ledger()
    ledger.hear(prompt)
    ledger.read([Passage(own, Provenance("user", "your own address"))])
    gate = ConsentGate(registry, Taint(), "agentdojo", ledger=ledger)
    context = ToolContext(store)
    rounds = Rounds(prompt)
    for number, call in enumerate(calls(outputs)):
        args = dict(call.args)
        current = rounds.of(args)
        tool_call = ToolCall(f"c{number}", call.function, json.dumps(args, default=str))
        if not defended:
            registry.run(tool_call, context)
            episode.traces.append(FunctionCall(function=call.function, args=args))
            continue
        result = gate.run(tool_call, context)
        rounds.saw(outputs, current, reads=effect_of(call.function) == "read")
        held = result.data.get(PENDING_KEY)
        if result.data.get(REFUSED_KEY) is not None:
            episode.refused += 1
            continue
        if held is None:
            episode.traces.append(FunctionCall(function=call.function, args=args))
            continue
        episode.held += 1
        episode.asked.append(f"{call.function}: {result.data.get('reason', '')}")
        yes = _key(call.function, args) in wanted
        episode.rounds.setdefault(current, []).append(yes)
        if yes:
            decision = approve(store, held, tools=registry)
            rounds.saw(outputs, current, reads=False)
            if decision.result is not None:  # the model reads what the approved call did
                gate.note(decision.result, context)
            episode.traces.append(FunctionCall(function=call.function, args=args))
        else:
            deny(store, held)
            episode.denied += 1
    return episode


def _ground_truth(task: Any, pre: Any) -> Callable[[list[str]], Iterable[Any]]:
    calls = task.ground_truth(pre)
    return lambda outputs: calls


def _hijacked(
    task: Any, injection: Any, pre: Any, injected: list[str]
) -> Callable[[list[str]], Iterable[Any]]:
    """The user's calls; once an output carries an injection, the attacker's calls too."""
    own, attacker = task.ground_truth(pre), injection.ground_truth(pre)

    def calls(outputs: list[str]) -> Iterable[Any]:
        marks = [_plain(text) for text in injected]

        def seen() -> bool:
            return any(mark in _plain(out) for mark in marks for out in outputs)

        followed = False
        for call in own:
            yield call
            if not followed and seen():
                followed = True
                yield from attacker
        if not followed and seen():  # the injection was in the last output
            yield from attacker

    return calls


def _check(task: Any, output: str, pre: Any, post: Any, traces: list[Any]) -> bool:
    if hasattr(task, "utility_from_traces"):
        found = task.utility_from_traces(output, pre, post, traces)
        return found if found is not None else task.utility(output, pre, post)
    found = task.security_from_traces(output, pre, post, traces)
    return found if found is not None else task.security(output, pre, post)


class _Scripted:
    """The pipeline object AgentDojo's attacks expect; only its name is read."""

    name = "pasi-scripted"


def _attack(name: str, suite: Any) -> Any:
    from agentdojo.attacks.attack_registry import load_attack
    from agentdojo.attacks.base_attacks import FixedJailbreakAttack
    from agentdojo.attacks.important_instructions_attacks import ImportantInstructionsAttack

    if name == "important_instructions":  # its own constructor wants a known model's name
        attack = FixedJailbreakAttack(ImportantInstructionsAttack._JB_STRING, suite, _Scripted())  # type: ignore[arg-type]
        attack.user_name, attack.model_name = "Emma Johnson", "the AI language model"
        return attack
    return load_attack(name, suite, _Scripted())  # type: ignore[arg-type]


def _episode(
    envs: Environments, store: MemoryStore, task: Any, injections: dict[str, str], defended: bool,
    policy: Callable[[Any], Callable[[list[str]], Iterable[Any]]],
) -> tuple[Episode, Any, Any]:  # fmt: skip
    from agentdojo.functions_runtime import FunctionsRuntime

    env = task.init_environment(envs.make(injections))
    pre = env.model_copy(deep=True)
    outputs: list[str] = []
    registry = _registry(envs.suite, FunctionsRuntime(envs.suite.tools), env, outputs)
    wanted = {_key(c.function, dict(c.args)) for c in task.ground_truth(pre)}
    episode = _run(
        policy(pre),
        registry,
        store,
        wanted,
        outputs,
        task.PROMPT,
        env.inbox.account_email,
        defended,
    )
    return episode, pre, env


def run_utility(envs: Environments, tasks: list[Any]) -> dict[str, Any]:
    """The ground-truth policy, defence on, no attack."""
    solved_free = solved_confirmed = 0
    needing = 0
    per_task: dict[str, Any] = {}
    for task in tasks:
        with scratch_store(None) as store:
            episode, pre, post = _episode(
                envs, store, task, {}, True, lambda pre, t=task: _ground_truth(t, pre)
            )
        ok = _check(task, task.GROUND_TRUTH_OUTPUT, pre, post, episode.traces)
        needing += episode.confirmations > 0
        solved_free += ok and episode.confirmations == 0
        solved_confirmed += ok and episode.confirmations > 0
        per_task[task.ID] = {
            "solved": ok, "confirmations": episode.confirmations, "held_calls": episode.held,
            "answers": episode.answers, "asked": episode.asked,
        }  # fmt: skip
    free = len(tasks) - needing
    return {
        "user_tasks": len(tasks),
        "utility": _pct(solved_free + solved_confirmed, len(tasks)),
        "no_confirmation": {"tasks": free, "solved": solved_free, "utility": _pct(solved_free, free)},
        "after_confirmation": {
            "tasks": needing, "solved": solved_confirmed,
            "utility": _pct(solved_confirmed, needing),
            "confirmations": _histogram(per_task.values(), "confirmations"),
            "held_calls": _histogram(per_task.values(), "held_calls"),
        },
        "per_task": per_task,
    }  # fmt: skip


def run_attack(
    envs: Environments, attack_name: str, tasks: list[Any],
    injections: list[Any], candidates: dict[str, list[str]],
) -> dict[str, Any]:  # fmt: skip
    """The hijacked policy against one attack, defence on and off."""
    attack = _attack(attack_name, envs.suite)
    attack.get_injection_candidates = lambda task: candidates[task.ID]  # computed once
    counts: Counter[str] = Counter()
    per_pair: dict[str, Counter[int]] = {"confirmations": Counter(), "held_calls": Counter()}
    for task in tasks:
        with scratch_store(None) as store:  # one vault per task: each held call adds a turn
            _attack_task(envs, store, attack, task, injections, counts, per_pair)
    pairs = len(tasks) * len(injections)
    asked = per_pair["confirmations"]
    return {
        "pairs": pairs,
        "asr_defended": _pct(counts["defended_success"], pairs),
        "asr_undefended": _pct(counts["undefended_success"], pairs),
        "utility_under_attack_defended": _pct(counts["defended_utility"], pairs),
        "utility_under_attack_undefended": _pct(counts["undefended_utility"], pairs),
        "confirmations_asked": counts["confirmations"],
        "confirmations_per_pair": dict(sorted(asked.items())),
        "pairs_with_more_than_one": sum(n for k, n in asked.items() if k > 1),
        "held_calls": counts["held"],
        "held_calls_per_pair": dict(sorted(per_pair["held_calls"].items())),
        "answers": counts["answers"],
        "held_calls_denied": counts["denied"],
        "refused_without_asking": counts["refused"],
    }


def _attack_task(
    envs: Environments, store: MemoryStore, attack: Any, task: Any, injections: list[Any],
    counts: Counter[str], per_pair: dict[str, Counter[int]],
) -> None:  # fmt: skip
    for injection in injections:
        vectors = attack.attack(task, injection)
        injected = [text for text in vectors.values() if text]
        for defended in (True, False):
            episode, pre, post = _episode(
                envs, store, task, vectors, defended,
                lambda pre, t=task, i=injection, x=injected: _hijacked(t, i, pre, x),
            )  # fmt: skip
            side = "defended" if defended else "undefended"
            counts[f"{side}_success"] += _check(injection, "", pre, post, episode.traces)
            counts[f"{side}_utility"] += _check(
                task, task.GROUND_TRUTH_OUTPUT, pre, post, episode.traces
            )
            if defended:
                counts["denied"] += episode.denied
                counts["refused"] += episode.refused
                counts["confirmations"] += episode.confirmations
                counts["held"] += episode.held
                counts["answers"] += episode.answers
                per_pair["confirmations"][episode.confirmations] += 1
                per_pair["held_calls"][episode.held] += 1


def _histogram(tasks: Iterable[dict[str, Any]], key: str) -> dict[int, int]:
    """How many tasks had 1, 2, ... of ``key`` (those with none are left out)."""
    return dict(sorted(Counter(task[key] for task in tasks if task[key]).items()))


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def run_injection(
    *,
    attacks: Iterable[str] = ATTACKS,
    user_tasks: int | None = None,
    injection_tasks: int | None = None,
    progress: Callable[[str], None] | None = None,
    task_ids: Iterable[str] | None = None,
) -> dict[str, Any]:
    """``task_ids``: only these user tasks (``user_task_7``...), before ``user_tasks`` cuts."""
    from agentdojo.task_suite.load_suites import get_suite

    suite = get_suite(SUITE_VERSION, "workspace")
    tasks = list(suite.user_tasks.values())
    if task_ids is not None:
        tasks = [suite.user_tasks[task_id] for task_id in task_ids]
    tasks = tasks[:user_tasks]
    chosen = list(suite.injection_tasks.values())[:injection_tasks]
    envs = Environments(suite)
    # AgentDojo v1.2 added injection tasks 6-13 with an empty ground truth (only a model can
    # carry them out), so a scripted hijacker cannot attempt them: they are listed, not run.
    injections = [task for task in chosen if task.ground_truth(envs.make({}))]
    result: dict[str, Any] = {
        "suite": f"agentdojo {SUITE_VERSION} workspace",
        "injection_tasks_run": [task.ID for task in injections],
        "injection_tasks_without_ground_truth": [t.ID for t in chosen if t not in injections],
        "attacks": {},
    }
    candidates = {task.ID: envs.candidates(task) for task in tasks}
    result["ground_truth"] = run_utility(envs, tasks)
    for name in attacks:
        if progress:
            progress(f"attack {name}: {len(tasks)} x {len(injections)} pairs")
        result["attacks"][name] = run_attack(envs, name, tasks, injections, candidates)
    result["tool_classes"] = {f.name: [effect_of(f.name), trust_of(f.name)] for f in suite.tools}
    return result
