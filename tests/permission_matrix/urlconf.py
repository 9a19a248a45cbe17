"""Django's URLconf, walked through every include (the admin's too), as the rows' keys.

A row names the pattern it covers by its namespaced name (``programmes:edit``), or, for a
pattern without a name, by its full pattern (``admin/(?P<url>.*)$``).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str  # as ``ResolverMatch.route`` reports it

    @property
    def key(self) -> str:
        return self.name or self.pattern


def join(prefix: str, pattern: str) -> str:
    """Join patterns the way ``ResolverMatch.route`` does: an inner regex loses its ``^``."""
    return prefix + (pattern[1:] if prefix and pattern.startswith("^") else pattern)


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, join(prefix, str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name=name, pattern=join(prefix, str(entry.pattern)))
        else:  # pragma: no cover - Django has only these two kinds
            raise TypeError(f"unknown URL entry {entry!r}")


def routes() -> list[Route]:
    """Every URL pattern the site answers, read afresh from the URLconf."""
    return list(walk(get_resolver().url_patterns))
