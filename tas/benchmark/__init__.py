"""Benchmark data: a district (or a region, at a larger scale) made in bulk, shaped like the one
the product was measured at (issue 14), for measuring pages and passes at that size. Never for
production; never a copy of anyone's real data."""
