"""The consent rule: asked for by the user, aimed at the user's own: run, ask or refuse."""

from __future__ import annotations

from pasi.safety.consent_rule import asked_tools, judge
from pasi.safety.dataflow import Origin

WORKSPACE = [
    "send_email", "delete_email", "delete_file", "create_file", "append_to_file", "share_file",
    "create_calendar_event", "cancel_calendar_event", "reschedule_calendar_event",
    "add_calendar_event_participants",
]  # fmt: skip


def test_the_verb_names_the_action_and_the_object_says_which_tool() -> None:
    assert asked_tools("find and delete the largest file in the drive", WORKSPACE) == {
        "delete_file"
    }
    assert asked_tools("please reschedule my dental check-up", WORKSPACE) == {
        "reschedule_calendar_event"
    }
    assert "add_calendar_event_participants" in asked_tools(
        "please add john to the participants of the meeting", WORKSPACE
    )
    assert asked_tools("email bob the minutes", WORKSPACE) == {"send_email"}


def test_words_that_only_look_like_a_request_ask_for_nothing() -> None:
    assert asked_tools("create an event based on the emails about it", WORKSPACE) == {
        "create_calendar_event"
    }  # "emails" is the noun here, not "email (someone)"
    assert asked_tools("what is on my calendar today?", WORKSPACE) == set()
    assert asked_tools("do not forget the milk", ["forget", "remember"]) == set()


def _origin(kind: str, target: bool = True) -> Origin:
    return Origin("recipients[0]", "x@y.org", kind, "somewhere", target)  # type: ignore[arg-type]


def test_the_four_cases_of_the_rule() -> None:
    mine, theirs, content = _origin("user"), _origin("external"), _origin("external", False)
    assert judge("send_email", "send", True, [mine, content]).action == "run"
    asked = judge("send_email", "send", True, [theirs])
    assert asked.action == "ask" and "x@y.org" in asked.reason and "by others" in asked.reason
    assert judge("send_email", "send", False, [mine]).action == "ask"
    refused = judge("send_email", "send", False, [theirs, content])
    assert refused.action == "refuse" and "did not ask to send" in refused.reason


def test_a_target_the_model_made_up_is_not_the_users() -> None:
    assert judge("delete_file", "delete", True, [_origin("unseen")]).action == "ask"
    assert judge("delete_file", "delete", False, [_origin("unseen")]).action == "refuse"
    assert judge("share_file", "share", True, [_origin("fixed")]).action == "run"
