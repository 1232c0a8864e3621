"""The explorer: the catalog as one self-contained HTML page, and the same page served with "Try it".

- :func:`document` turns a catalog into the page's data, and :func:`render_page` that data into
  the page (``logminer export --format html``);
- :class:`ExplorerServer` serves a page on 127.0.0.1 with a JSON API for checking and sending calls,
  given callables for them; :class:`Explorer` wires it to a catalog file and a billing, and
  :func:`serve` runs it until Ctrl-C (``logminer explore``).
"""

from .app import Explorer, serve
from .document import document
from .page import content_security_policy, render_page
from .server import ExplorerServer

__all__ = ["Explorer", "ExplorerServer", "content_security_policy", "document", "render_page", "serve"]
