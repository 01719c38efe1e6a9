"""``housingcalc serve``: the adviser's workspace in the browser (see docs/serve.md).

A third face of the library beside the CLI and the reports: parse the request → the CLI's own
loaders and validators → one library call → a template (or the CLI's JSON). No state between
requests; nothing written that outlives a request; no personal figures in logs.
"""

from __future__ import annotations

from housingcalc.serve.app import create_app

__all__ = ["create_app"]
