"""Which connector reads which file. Built-in connectors register through the same function
third-party ones use (:func:`register_connectors`), so the extension point is always exercised.

Order matters: the first connector whose ``matches`` says yes reads the file, so connectors
that sniff content (a WhatsApp export is a ``.txt``) register before the generic ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pasi.clock import Clock, system_clock
from pasi.ingest.document import Connector

if TYPE_CHECKING:
    from pasi.config import Settings
    from pasi.models.chat import ChatModel
    from pasi.models.vision import Captioner
    from pasi.models.whisper import Whisper

KeepLocal = Callable[[Path], bool]  # True: the file's data must not reach a remote model
Private = Callable[["ChatModel"], "ChatModel | None"]  # wraps a remote model (the gateway)
Transcriber = Callable[[], "Whisper"]  # loads the speech recogniser when a recording comes


@dataclass
class Connectors:
    """An ordered set of connectors; :meth:`for_path` picks the one that reads a file."""

    items: list[Connector] = field(default_factory=list)

    def for_path(self, path: Path) -> Connector | None:
        return next((c for c in self.items if c.matches(path)), None)

    def names(self) -> list[str]:
        return [c.name for c in self.items]


def register_connectors(registry: Connectors, *connectors: Connector) -> None:
    """Add connectors after those already registered (earlier ones win on a tie)."""
    for connector in connectors:
        if not isinstance(connector, Connector):
            raise TypeError(f"{connector!r} does not implement the Connector protocol")
        registry.items.append(connector)


def register_builtins(
    registry: Connectors,
    *,
    max_bytes: int,
    clock: Clock,
    captioner: Captioner | None = None,
    ocr_languages: str = "eng",
    keep_local: KeepLocal | None = None,
    transcriber: Transcriber | None = None,
    transcripts: Path | None = None,
) -> None:
    from pasi.ingest.audio import AudioConnector
    from pasi.ingest.chats import ChatGptConnector, TelegramConnector, WhatsAppConnector
    from pasi.ingest.ics import IcsConnector
    from pasi.ingest.images import ImageConnector
    from pasi.ingest.mail import EmlConnector, MboxConnector
    from pasi.ingest.notes import MarkdownConnector, TextConnector
    from pasi.ingest.pdf import PdfConnector
    from pasi.ingest.tables import CsvConnector, SpreadsheetConnector
    from pasi.ingest.vcard import VcardConnector
    from pasi.ingest.web import HtmlConnector
    from pasi.ingest.word import DocxConnector

    register_connectors(
        registry,
        WhatsAppConnector(), ChatGptConnector(), TelegramConnector(),
        MarkdownConnector(), TextConnector(), PdfConnector(), DocxConnector(max_bytes),
        HtmlConnector(), MboxConnector(), EmlConnector(), IcsConnector(clock),
        VcardConnector(), CsvConnector(), SpreadsheetConnector(),
        ImageConnector(captioner, ocr_languages, keep_local), AudioConnector(transcriber, transcripts),
    )  # fmt: skip


def default_connectors(
    *,
    max_bytes: int,
    clock: Clock = system_clock,
    captioner: Captioner | None = None,
    ocr_languages: str = "eng",
    keep_local: KeepLocal | None = None,
    transcriber: Transcriber | None = None,
    transcripts: Path | None = None,
) -> Connectors:
    registry = Connectors()
    register_builtins(registry, max_bytes=max_bytes, clock=clock, captioner=captioner,
                      ocr_languages=ocr_languages, keep_local=keep_local,
                      transcriber=transcriber, transcripts=transcripts)  # fmt: skip
    return registry


def configured_connectors(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    private: Private | None = None,
    keep_local: KeepLocal | None = None,
) -> Connectors:
    """The built-in connectors as the settings configure them: the image connector captions
    with ``vision_model`` when one is set and reads text in ``ocr_languages``; recordings are
    transcribed by Whisper (pasi.models.whisper.loader).

    A remote ``vision_model`` needs ``private`` (the privacy gateway, which this layer cannot
    import) and is not sent photos for which ``keep_local`` says yes: ``Pasi.connectors()``
    passes both, and is what callers with a vault use.
    """
    from pasi.models.vision import make_captioner
    from pasi.models.whisper import loader

    return default_connectors(max_bytes=settings.ingest_max_bytes, clock=clock,
                              captioner=make_captioner(settings, private=private),
                              ocr_languages=settings.ocr_languages,
                              keep_local=keep_local, transcriber=loader(settings),
                              transcripts=transcripts_dir(settings))  # fmt: skip


def transcripts_dir(settings: Settings) -> Path:
    """Where a recording's transcript waits while it is being made (ingest/audio.py)."""
    return Path(settings.vault).expanduser() / "transcripts"
