"""Registry: provider -> collectors, and resource type key -> normalization spec."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from collectors.base import PROVIDERS, CollectContext, Collector, TypeSpec


class Registry:
    def __init__(self) -> None:
        self._collectors: dict[str, type[Collector]] = {}
        self._specs: dict[str, TypeSpec] = {}
        self._connection_tests: dict[str, Callable[[CollectContext], dict]] = {}
        self._discoveries: dict[str, Callable[[CollectContext], list[dict]]] = {}
        self._loaded: set[str] = set()

    def register(self, cls: type[Collector]) -> type[Collector]:
        """Class decorator. One collector owns each resource type, so removals stay unambiguous."""
        if cls.provider not in PROVIDERS:
            raise ValueError(f"{cls.__name__}: unknown provider {cls.provider!r}")
        if not cls.key or not cls.resource_types:
            raise ValueError(f"{cls.__name__}: key and resource_types are required")
        if cls.key in self._collectors and self._collectors[cls.key] is not cls:
            raise ValueError(f"collector key {cls.key!r} registered twice")
        for other in self._collectors.values():
            shared = set(other.resource_types) & set(cls.resource_types)
            if other is not cls and shared:
                raise ValueError(f"{cls.key} and {other.key} both claim {sorted(shared)}")
        for type_key in cls.resource_types:
            if not type_key.startswith(cls.provider + "."):
                raise ValueError(f"{cls.key}: type {type_key!r} is not under provider {cls.provider}")
        self._collectors[cls.key] = cls
        return cls

    def unregister(self, key: str) -> None:
        self._collectors.pop(key, None)

    def replace(self, provider: str, *classes: type[Collector]) -> None:
        """Serve these collectors for a provider instead of the built-in ones: a simulated cloud
        (benchmarks, demos) loaded through the CSPM_COLLECTOR_MODULES setting."""
        self._load(provider)
        for cls in self.collectors_for(provider):
            self.unregister(cls.key)
        for cls in classes:
            self.register(cls)

    def register_spec(self, spec: TypeSpec) -> TypeSpec:
        self._specs[spec.type] = spec
        return spec

    def register_connection_test(self, provider: str, test: Callable[[CollectContext], dict]) -> None:
        self._connection_tests[provider] = test

    def test_connection(self, context: CollectContext) -> dict | None:
        """Prove the credentials reach the account: what they authenticate as, or a CollectorError.
        None when the provider has no test yet."""
        self._load(context.provider)
        test = self._connection_tests.get(context.provider)
        return test(context) if test else None

    def register_discovery(self, provider: str, discover: Callable[[CollectContext], list[dict]]) -> None:
        self._discoveries[provider] = discover

    def discover(self, context: CollectContext) -> list[dict] | None:
        """The accounts (AWS), projects (GCP) or subscriptions (Azure) these credentials can see,
        as {"account_id", "name", ...}; None when the provider has no discovery yet."""
        self._load(context.provider)
        discover = self._discoveries.get(context.provider)
        return discover(context) if discover else None

    def collectors_for(self, provider: str) -> list[type[Collector]]:
        self._load(provider)
        return sorted(
            (c for c in self._collectors.values() if c.provider == provider), key=lambda c: c.key
        )

    def spec(self, type_key: str) -> TypeSpec:
        self._load(type_key.split(".", 1)[0])
        return self._specs.get(type_key) or TypeSpec(type=type_key)

    def specs(self) -> dict[str, TypeSpec]:
        for provider in PROVIDERS:
            self._load(provider)
        return dict(self._specs)

    def _load(self, provider: str) -> None:
        """Import collectors.<provider> once: SDK imports are slow, so only on first use."""
        if provider in self._loaded or provider not in PROVIDERS:
            return
        self._loaded.add(provider)
        try:
            importlib.import_module(f"collectors.{provider}")
        except ModuleNotFoundError as exc:
            if exc.name != f"collectors.{provider}":
                raise

    @contextmanager
    def isolated(self, *classes: type[Collector]) -> Iterator[None]:
        """Only these collectors for the duration of a block (tests of the core, which must not
        reach a real cloud); specs stay as they are."""
        for provider in PROVIDERS:
            self._load(provider)
        saved, self._collectors = self._collectors, {}
        try:
            for cls in classes:
                self.register(cls)
            yield
        finally:
            self._collectors = saved


registry = Registry()
register = registry.register
register_spec = registry.register_spec
register_connection_test = registry.register_connection_test
register_discovery = registry.register_discovery
