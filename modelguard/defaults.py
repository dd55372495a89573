"""Every default value, once: the configuration, the command line, the library API and the
rule docs all read them from here."""

from __future__ import annotations

# A deprecated model shutting down within this many days is MG003, not MG002.
WARN_WITHIN_DAYS = 90
# Files larger than this are skipped (and reported as skipped), in bytes.
MAX_FILE_SIZE = 1024 * 1024
# Notebook outputs (images, tables) make the file large while the code in it stays small.
NOTEBOOK_SIZE_FACTOR = 32
# Files modelguard keeps or installs for itself, in bytes: larger ones are refused unread.
# The result cache grows with the project (about 200 bytes per file and per hit).
MAX_CACHE_SIZE = 256 * 1024 * 1024
# A registry bundle (downloaded, installed) is a few hundred kilobytes; past this it is not one.
MAX_BUNDLE_BYTES = 16 * 1024 * 1024

# Smoke calls: seconds per request, requests at a time, a cost guard on the number of targets.
SMOKE_TIMEOUT = 30.0
SMOKE_CONCURRENCY = 4
SMOKE_MAX_CALLS = 20
SMOKE_MAX_RETRIES = 2

# `registry sync`: where the project publishes the bundle `registry export` writes (and its
# .sha256 beside it), and how long a download may take.
SYNC_URL = "https://github.com/modelguard/modelguard/releases/latest/download/registry.json"
SYNC_TIMEOUT = 20.0

# `fix` removes the temp files of an earlier, killed run older than this many seconds from the
# folders it writes; a younger one may belong to a run still writing.
STALE_TEMP_SECONDS = 60.0

# `registry import` and `registry audit`: LiteLLM's model table, read by default and cited as the
# source of an aggregator day whose LiteLLM entry cites no readable https page.
LITELLM_TABLE_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
# Which registry a project uses (`registry` in the configuration, --registry), besides a path:
# the data shipped with modelguard (the default), or what `registry sync` installed for the user
# (opt-in per project, so a user-wide sync never changes another project's results).
BUNDLED = "bundled"
SYNCED = "synced"

# The name on the package index (`modelguard` there is another project); the import package and
# the command stay `modelguard`.
DISTRIBUTION = "modelguard-cli"
