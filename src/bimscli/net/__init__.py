"""Everything in bims that talks to the network: one HTTP client and the service clients.

Nothing outside this package opens a connection. Online enrichment is the only feature that
needs it, and it works offline from the on-disk cache.
"""

from __future__ import annotations
