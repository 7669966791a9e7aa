"""A restricted unpickler for the upstream HyperGCN pickles.

Only builtin containers, numpy arrays / dtypes and scipy CSR matrices may be reconstructed;
any other global raises :class:`pickle.UnpicklingError` before it is imported.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

_ALLOWED = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "complex"),
    ("builtins", "bytearray"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("scipy.sparse.csr", "csr_matrix"),
    ("scipy.sparse._csr", "csr_matrix"),
    ("copy_reg", "_reconstructor"),
    ("copyreg", "_reconstructor"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that admits only the globals in an allow-list."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "__builtin__":  # Python 2 pickles
            module = "builtins"
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global '{module}.{name}' is forbidden in dataset pickles")


def restricted_load(data: bytes) -> Any:
    """Unpickle ``data`` through :class:`RestrictedUnpickler` (latin1 for Python 2 pickles)."""
    return RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()
