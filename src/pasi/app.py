"""Composition root: builds the vault, embedder and memory from Settings. No logic lives here."""

from __future__ import annotations

import threading
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING

from pasi.clock import Clock, system_clock
from pasi.config import Settings, load_settings, with_vault_keys
from pasi.errors import ConfigError
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder, make_embedder
from pasi.vault.location import open_location
from pasi.vault.secrets import SecretStore
from pasi.vault.sqlite import SQLiteVault

if TYPE_CHECKING:
    from pasi.agent.assistant import Assistant, Learner
    from pasi.ingest.registry import Connectors
    from pasi.memory.learning import Learner as BackgroundLearner
    from pasi.models.chat import ChatModel
    from pasi.models.registry import Models
    from pasi.models.vision import Captioner
    from pasi.safety.policy import SafetyClassifier


class Pasi:
    """One user's assistant: their vault and the memory built on it.

    >>> with Pasi.open(vault="/tmp/demo-vault") as pasi:  # doctest: +SKIP
    ...     pasi.memory.remember("I live in Berlin")
    """

    def __init__(
        self,
        settings: Settings,
        *,
        vault: SQLiteVault | None = None,
        embedder: Embedder | None = None,
        clock: Clock = system_clock,
        chat_model: ChatModel | None = None,
    ) -> None:
        passphrase = settings.passphrase.get_secret_value() if settings.passphrase else None
        self.vault = vault or open_location(settings.vault, passphrase)
        keys = SecretStore(self.vault.files)  # a plain vault keeps none: the key's user says so
        self.settings = with_vault_keys(settings, keys.get) if keys.usable else settings
        self.embedder = embedder if embedder is not None else make_embedder(settings.embedder)
        self.clock = clock
        self.memory = MemoryStore(self.vault, self.embedder, clock)
        self.memory.zone = partial(_user_zone, self.vault)
        self._learner: BackgroundLearner | None = None
        self._chat_model = chat_model
        self._models: Models | None = None
        self._safety: SafetyClassifier | None = None
        self._gateways: dict[tuple[int, str], ChatModel] = {}
        self._captioner: tuple[Captioner | None] | None = None  # (None,): no vision model
        # The parts below are built on first use, maybe by two server threads at once: once.
        self._building = threading.RLock()

    @property
    def chat_model(self) -> ChatModel | None:
        """The model that answers the user (the strong tier); None when there is none.

        A remote model comes wrapped in the privacy gateway (pasi.privacy.gateway).
        """
        model = self._chat_model if self._chat_model is not None else self.models.strong
        return self._private(model, "chat")

    def _private(self, model: ChatModel | None, actor: str) -> ChatModel | None:
        """``model`` itself when it is local, else the privacy gateway around it (one per model
        and actor; the fast tier's mapping is fresh for each request)."""
        from pasi.models.locality import is_local

        if model is None or is_local(model):
            return model
        key = (id(model), actor)
        with self._building:
            if key not in self._gateways:
                from pasi.privacy.audit import AuditLog
                from pasi.privacy.gateway import PrivacyGateway, VaultNames

                self._gateways[key] = PrivacyGateway(
                    model, names=VaultNames(self.vault), audit=AuditLog(self.vault, self.clock),
                    actor=actor, phone_regions=self.settings.phone_regions,
                    per_request=actor != "chat",
                )  # fmt: skip
            return self._gateways[key]

    def assistant(
        self, *, learner: Learner | None = None, source_uri: str | None = None
    ) -> Assistant:
        """The assistant turn on this vault, answered by :attr:`chat_model`; its turns are
        recorded in the conversation ``source_uri`` (default: the default conversation)."""
        from pasi.agent.assistant import Assistant
        from pasi.agent.context import ContextLimits

        model = self.chat_model
        if model is None:
            raise ConfigError("no chat model is configured: set `model` (docs/configuration.md)")
        conversation = getattr(model, "conversation", None)
        model = conversation() if callable(conversation) else model  # placeholders per chat
        limits = ContextLimits(tokens=self.settings.context_tokens)
        return Assistant(
            self.memory, model, learner=learner, clock=self.clock, limits=limits,
            safety=self.safety, turn_seconds=self.settings.turn_seconds,
            tool_offer=self.settings.tool_offer,
            **({"source_uri": source_uri} if source_uri else {}),
        )  # fmt: skip

    def captioner(self) -> Captioner | None:
        """The image captioner (setting ``vision_model``), built once; a remote one behind the
        privacy gateway, so every image sent out is audited (actor ``vision``)."""
        with self._building:
            if self._captioner is None:
                from pasi.models.vision import make_captioner

                private = partial(self._private, actor="vision")
                self._captioner = (make_captioner(self.settings, private=private),)
            return self._captioner[0]

    def connectors(self) -> Connectors:
        """The connectors ``pasi ingest``/``sync`` and uploads read files with: photos are
        captioned by :meth:`captioner`, never by a remote model for a keep-local source."""
        from pasi.ingest.kept_local import KeptLocal
        from pasi.ingest.registry import default_connectors, transcripts_dir
        from pasi.models.whisper import loader

        return default_connectors(
            max_bytes=self.settings.ingest_max_bytes, clock=self.clock,
            captioner=self.captioner(), ocr_languages=self.settings.ocr_languages,
            keep_local=KeptLocal(self.vault), transcriber=loader(self.settings),
            transcripts=transcripts_dir(self.settings),
        )  # fmt: skip

    @property
    def safety(self) -> SafetyClassifier:
        """The content policy's classifier (setting ``safety_model``), built on first use."""
        with self._building:
            if self._safety is None:
                from pasi.safety.policy import make_classifier

                private = partial(self._private, actor="safety")
                chat = self.fast_model() if self.settings.safety_judge != "off" else None
                self._safety = make_classifier(self.settings, private=private, chat=chat)
            return self._safety

    @property
    def learner(self) -> BackgroundLearner:
        """Learns memories from conversation in a background thread, with the fast model.

        Built on first use. Without a model, turns are still queued as extraction jobs, to be
        learned from once one is configured (``pasi memories reextract``).
        """
        with self._building:
            if self._learner is None:
                from pasi.memory.learning import Learner

                self._learner = Learner(self.memory, self.fast_model())
            return self._learner

    @property
    def models(self) -> Models:
        """The fast and strong chat models (docs/models.md), resolved once, on first use.

        Resolving ``auto`` probes for Ollama, so it happens here and not when pasi starts.
        """
        with self._building:
            if self._models is None:
                from pasi.models.registry import load_models

                self._models = load_models(self.settings)
            return self._models

    def fast_model(self) -> ChatModel | None:
        """The fast tier (extraction, consolidation); None when no model is configured.

        A remote model comes wrapped in the privacy gateway, as for :attr:`chat_model`.
        """
        return self._private(self.models.fast, "learn")

    def use_settings(self, settings: Settings) -> None:
        """Switch to changed model settings (the web app's Settings): the models are resolved
        again on next use, and the background learner learns with the new fast tier."""
        with self._building:
            self.settings = settings
            self._models = None
            self._safety = None
            self._gateways.clear()
            if self._learner is not None:
                self._learner.model = self.fast_model()

    @classmethod
    def open(cls, *, clock: Clock = system_clock, **flags: object) -> Pasi:
        return cls(load_settings(**flags), clock=clock)

    def close(self) -> None:
        if self._learner is not None:
            self._learner.close()
        self.vault.close()

    def __enter__(self) -> Pasi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _user_zone(vault: SQLiteVault) -> tzinfo:
    """The charter's time zone, read when asked: the user may change it while pasi runs. A
    charter that cannot be read (its error is said by the chat and the brief, which need it)
    leaves recall on the machine's zone rather than failing it."""
    from pasi.errors import PasiError
    from pasi.life.charter import load_charter, machine_zone

    try:
        return load_charter(vault.directory).timezone
    except PasiError:
        return machine_zone()
