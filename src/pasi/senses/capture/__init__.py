""" "What I see", opt in: frames from the screen or a synced photo folder become searchable
text, under the user's switch, pause, exclusion list and retention (docs/senses.md)."""

from pasi.senses.capture.frames import FolderFrames, Frame, FrameSource, ScreenFrames
from pasi.senses.capture.loop import Capturer, Tally

__all__ = ["Capturer", "FolderFrames", "Frame", "FrameSource", "ScreenFrames", "Tally"]
