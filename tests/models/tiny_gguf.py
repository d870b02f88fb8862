"""A tiny random-weight llama GGUF, written with the ``gguf`` package, for real llama.cpp tests.

No model can be downloaded here, yet the real llama.cpp runtime must be exercised. This file
is a complete llama model (2 layers, 64 dimensions, ~360 SentencePiece-style tokens with byte
fallback, a chat template) whose weights are random: it loads in milliseconds and produces
nonsense, which is enough to prove completion, streaming, grammar-constrained JSON output and
embeddings end to end. Import :func:`write_tiny_gguf` from other tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

N_EMBD = 64
N_LAYERS = 2
N_HEADS = 4
N_FF = 128
N_CTX = 4096  # the most llama.cpp will give it: it caps a context at the trained length
SEED = 1234

# A plain role-tagged format: every piece is spelt with ordinary tokens, so any chat works.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>\n{{ message['content'] }}</s>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

_WORDS = (
    "the a an and or of to in on is are was be I you he she it we they my your his her our "
    "their this that what who when where why how yes no not with for from at by as do did have "
    "has had will would can could should live lives city dog cat tea coffee Berlin Paris name "
    "called sister brother friend work works job like likes love loves today yesterday tomorrow "
    "hello hi thanks please true false null answer ok"
).split()


def _vocabulary() -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and types in SentencePiece style: specials, 256 bytes, then pieces."""
    import gguf

    tokens = ["<unk>", "<s>", "</s>"]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    tokens += [f"<0x{byte:02X}>" for byte in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    pieces = ["▁", *(f"▁{word}" for word in _WORDS)]
    pieces += list("abcdefghijklmnopqrstuvwxyz0123456789{}[]:,.\"'?!-_<>|")
    for piece in pieces:
        if piece not in tokens:
            tokens.append(piece)
            types.append(gguf.TokenType.NORMAL)
    scores = [0.0] * 259 + [-float(i) for i in range(len(tokens) - 259)]
    return tokens, scores, [int(t) for t in types]


def _add_tensors(writer: object, n_vocab: int) -> None:
    rng = np.random.default_rng(SEED)

    def weights(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    ones = np.ones(N_EMBD, dtype=np.float32)
    writer.add_tensor("token_embd.weight", weights(n_vocab, N_EMBD))
    writer.add_tensor("output_norm.weight", ones)
    writer.add_tensor("output.weight", weights(n_vocab, N_EMBD))
    for layer in range(N_LAYERS):
        block = f"blk.{layer}"
        writer.add_tensor(f"{block}.attn_norm.weight", ones)
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"{block}.{name}.weight", weights(N_EMBD, N_EMBD))
        writer.add_tensor(f"{block}.ffn_norm.weight", ones)
        writer.add_tensor(f"{block}.ffn_gate.weight", weights(N_FF, N_EMBD))
        writer.add_tensor(f"{block}.ffn_up.weight", weights(N_FF, N_EMBD))
        writer.add_tensor(f"{block}.ffn_down.weight", weights(N_EMBD, N_FF))


def write_tiny_gguf(path: Path) -> Path:
    """Write the tiny llama model to ``path`` (about 0.3 MB) and return the path."""
    import gguf

    tokens, scores, types = _vocabulary()
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("pasi-tiny-random")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYERS)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEADS)
    writer.add_head_count_kv(N_HEADS)
    writer.add_rope_dimension_count(N_EMBD // N_HEADS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_pooling_type(gguf.PoolingType.MEAN)  # servers then return one vector per text
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)
    _add_tensors(writer, len(tokens))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
