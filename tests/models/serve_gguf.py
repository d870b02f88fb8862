"""llama.cpp's OpenAI-compatible server from xllamacpp, as a program for tests to run in a
subprocess: ``python tests/models/serve_gguf.py GGUF PORT ALIAS N_CTX [--embedding]``.

It serves on 127.0.0.1:PORT (``/v1/...``) until it is terminated.
"""

from __future__ import annotations

import signal
import sys
import threading

import xllamacpp as xlc


def main(argv: list[str]) -> None:
    gguf, port, alias, n_ctx = argv[:4]
    params = xlc.CommonParams()
    params.model.path = gguf
    params.model_alias = {alias}
    params.hostnames = ["127.0.0.1"]
    params.port = int(port)
    params.n_ctx = int(n_ctx)
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 2
    params.use_jinja = True
    params.verbosity = -1
    params.ui = False
    params.offline = True
    if "--embedding" in argv[4:]:
        params.embedding = True
        params.pooling_type = xlc.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    server = xlc.Server(params)
    print(server.listening_address, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    while not done.wait(0.5):
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
