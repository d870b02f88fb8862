"""pasi: a personal AI that belongs to the person who runs it."""

from pasi.app import Pasi
from pasi.config import Settings
from pasi.errors import PasiError
from pasi.memory import Recalled, Turn
from pasi.models import Embedder
from pasi.vault import Episode, Memory

__all__ = ["Embedder", "Episode", "Memory", "Pasi", "PasiError", "Recalled", "Settings", "Turn"]
__version__ = "0.1.0"
