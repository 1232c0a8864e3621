"""Stage 2, the catalog: what is known of each method and argument, and everything read from it.

``model`` holds the catalog (methods, arguments, counts, settings) and merges catalogs; ``paths``
turns params into bracket paths; ``kinds`` and ``samples`` are the value kinds and the examples
kept; ``exemplars`` the whole example calls; ``dates`` the calls over time; ``secrets`` what is
never kept; ``store`` the file (one JSON line a part, written atomically, under a lock);
``explore``, ``suggest``, ``diff`` and ``export`` answer questions about a catalog.
"""
