"""Patent indicators (the 'patents' extra: Ibis on DuckDB, or Spark)."""

from .._extras import ensure

ensure("patents", "patents")  # one line naming the extra to install when Ibis is missing
