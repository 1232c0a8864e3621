"""Stage 4, calls: JSON-RPC calls checked against a catalog.

``items`` reads request items (``name=value``, ``name:=json``); ``validate`` checks a call against
the catalog; ``client`` builds, sends and reads calls and downloads (``Client``, ``Api``);
``examples`` writes a call as a command, Python or a JSON-RPC body; ``limits`` the transfer limits;
``sandbox`` a local billing answering from the catalog.
"""
