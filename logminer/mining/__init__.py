"""Stage 3, mining: the log's requests counted into a catalog.

``mine`` reads sources into a catalog (``mine``, ``mine_into`` with the file's lock); ``tally``
counts one chunk's requests; ``workers`` spreads chunks over processes; ``resume`` remembers how far
each log file was read so the next run reads only what was appended.
"""
