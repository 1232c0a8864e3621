"""The explorer: the catalog as one self-contained HTML page, and the same page served with "Try it".

- :func:`document` turns a catalog into the page's data, and :func:`render_page` that data into
  the page (``logminer export --format html``);
- :class:`ExplorerServer` serves a page on 127.0.0.1 with a JSON API for checking and sending calls
  (``logminer explore``).
"""

from .document import document
from .page import content_security_policy, render_page
from .server import ExplorerServer

__all__ = ["ExplorerServer", "content_security_policy", "document", "render_page"]
