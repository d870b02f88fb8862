"""Safety: the content policy and the prompt-injection defences (the provenance of every text)."""
