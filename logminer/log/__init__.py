"""Stage 1, the log: bytes of the runtime log (plain, gzipped, rotated, being written) into entries,
and REQUEST entries into their method and params.

``sources`` opens files and cuts them into chunks at entry headers; ``header`` reads a header line;
``reader`` reads a chunk's requests (flat dumps vouched for and left as text for counting, the rest
through the Lark grammar of ``runtime.lark`` in ``grammar``); ``print_r`` reads and writes PHP's
``print_r`` format; ``records`` is the record API (``logminer.parse``) over all of it.
"""
