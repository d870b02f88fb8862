"""When to ask a model server again, and after how long: pasi's decision, not the SDK's.

The openai SDK would retry every 5xx by itself, before pasi sees it, so a server answering
"500: response_format is not supported" would be asked the same unanswerable question again.
So the SDK is built with ``max_retries=0`` and the backends retry here: HTTP 408, 409, 429,
5xx and dropped connections, with exponential backoff honouring ``Retry-After``, and never a
capability answer (pasi.models.capabilities), which steps down instead. A timeout is not
retried either: the server is busy (often still generating the first answer), and asking again
would only make it do the work twice while the user waits.
"""

from __future__ import annotations

import email.utils
import random
import time
from typing import Any

RETRY_STATUSES = frozenset({408, 409, 429}) | frozenset(range(500, 600))
FIRST_DELAY = 0.5  # seconds, doubled per attempt
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for: the error is shown instead


def retry_delay(error: Exception, attempt: int, retries: int) -> float | None:
    """Seconds to wait before asking again after ``error`` on try ``attempt`` (0-based), or
    None when the error is final (not retryable, or ``retries`` are used up)."""
    import openai

    if attempt >= retries:
        return None
    if isinstance(error, openai.APITimeoutError):
        return None
    if isinstance(error, openai.APIStatusError):
        if error.status_code not in RETRY_STATUSES:
            return None
        asked = retry_after(error.response.headers)
        if asked is not None:
            return asked if asked <= MAX_RETRY_AFTER else None
    elif not isinstance(error, openai.APIConnectionError):
        return None
    return backoff(attempt)


def backoff(attempt: int) -> float:
    """Exponential, capped, with up to a quarter of jitter so clients do not retry in step."""
    delay = min(FIRST_DELAY * 2**attempt, MAX_DELAY)
    return delay * (1 - 0.25 * random.random())


def retry_after(headers: Any) -> float | None:
    """``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date), in seconds."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    when = email.utils.parsedate_tz(value)
    if when is None:
        return None
    return max(email.utils.mktime_tz(when) - time.time(), 0.0)
