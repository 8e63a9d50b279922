"""The optional dependencies of :mod:`aoscomm.analysis`, imported when first needed."""

import importlib
from types import ModuleType

INSTALL_HINT = "pip install 'aoscomm[analysis]'"


class MissingDependency(ImportError):
    """An optional dependency of aoscomm.analysis is not installed."""


def require(module: str, purpose: str) -> ModuleType:
    """Imports ``module`` or raises :class:`MissingDependency` saying what needs it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        top = module.split(".")[0]
        raise MissingDependency(
            f"aoscomm.analysis needs {top} for {purpose}, and it is not installed: {INSTALL_HINT}"
        ) from e


def pandas() -> ModuleType:
    return require("pandas", "its DataFrames")


def pyarrow() -> ModuleType:
    return require("pyarrow", "reading the parsed columns (Arrow)")


def pyplot() -> ModuleType:
    return require("matplotlib.pyplot", "plots")
