"""The control catalog: one file per benchmark. Importing this package registers every control."""

import importlib
import pkgutil

# Every module of this package is a benchmark's catalog.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
