"""The assistant turn: context assembly, tool loop, consent policy."""
