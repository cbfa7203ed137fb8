"""What every kernel module shares: reading one column as a fresh float array."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError

FloatArray = NDArray[np.float64]


def column(x: ArrayLike, what: str) -> FloatArray:
    """``x`` as a new 1-D float array (kernels never modify their input).

    Raises
    ------
    SpecError
        If ``x`` is not 1-D, naming the kernel ``what``.
    """
    arr = np.array(x, dtype=np.float64)
    if arr.ndim != 1:
        raise SpecError(f"{what} expects a 1-D column; got an array of shape {arr.shape}")
    return arr
