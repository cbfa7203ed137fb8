"""Pure NumPy kernels behind every pipeline step, one module per family.

``treat`` (skew/kurtosis check, winsorisation, log transforms), ``normalise``,
``impute`` and ``aggregate``; ``registry`` maps method names to these kernels and is the
only place a name becomes a callable. Kernels take float arrays with NaN for missing
values, never modify their inputs and know nothing of pandas or of the indicator tree.
"""
