"""Reading YAML safely: the safe loader only, a size cap, and no alias bombs.

`yaml.safe_load` builds only plain data, but a few lines of anchors and aliases can still
describe a document of billions of nodes ("billion laughs"); PyYAML shares the aliased
objects, so loading is cheap, yet everything that walks the result would not be. We compose
the node graph first, count the nodes it expands to (linear in the file, thanks to
memoisation), and refuse documents that aliases blow up. Duplicate keys, which YAML silently
resolves to the last one, are reported as well.
"""

from __future__ import annotations

from typing import Any

import yaml

from vaultdoor.engine.sitefile._issues import Issue, SiteValidationError

__all__ = ["MAX_EXPANDED_NODES", "MAX_SITE_BYTES", "read_yaml"]

MAX_SITE_BYTES = 64 * 1024 * 1024  # ~250,000 people; far beyond one contact centre
MAX_EXPANDED_NODES = 20_000_000
_ALIAS_GROWTH = 10  # aliases may repeat content, but not multiply the document tenfold

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _AliasCycle(Exception):
    """An alias inside the node it names (`a: &a [*a]`): the document never ends."""


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """(distinct nodes, nodes after expanding every alias), without recursion.

    Raises `_AliasCycle` when a node contains itself: PyYAML composes such a graph, and
    expanding it would never finish.
    """
    sizes: dict[int, int] = {}
    # Nodes whose children are being counted: meeting one again, before it is finished,
    # means it is among its own descendants (everything above it on the stack was pushed
    # while expanding it).
    open_nodes: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in open_nodes:
            raise _AliasCycle
        children: list[yaml.Node]
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if not children_done:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        distinct += 1
        sizes[id(node)] = min(1 + sum(sizes.get(id(c), 1) for c in children), 1 << 62)
    return distinct, sizes[id(root)]


def _duplicate_keys(root: yaml.Node) -> list[Issue]:
    """Mapping keys given twice (YAML keeps the last one without a word)."""
    issues: list[Issue] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys and key_node.value != "<<":
                        mark = key_node.start_mark
                        issues.append(
                            Issue(
                                f"line {mark.line + 1}",
                                f"duplicate key {key_node.value!r} in one mapping",
                            )
                        )
                    keys.add(key_node.value)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return issues


def read_yaml(text: str | bytes) -> Any:
    """The data of one YAML document, or `SiteValidationError` saying why it cannot be read."""
    if len(text) > MAX_SITE_BYTES:
        raise SiteValidationError(
            [Issue("", f"the file is larger than {MAX_SITE_BYTES // (1024 * 1024)} MiB")]
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SiteValidationError([Issue("", "the file is empty")])
        has_star = "*" in text if isinstance(text, str) else b"*" in text
        if has_star:  # without a `*` there is no alias, and nothing to count
            try:
                distinct, expanded = _expanded_size(node)
            except _AliasCycle:
                raise SiteValidationError(
                    [Issue("", "a YAML alias refers to the node that contains it (a cycle)")]
                ) from None
            if expanded > MAX_EXPANDED_NODES or expanded > max(_ALIAS_GROWTH * distinct, 100_000):
                raise SiteValidationError(
                    [Issue("", "YAML aliases expand the document too much (an alias bomb?)")]
                )
        duplicates = _duplicate_keys(node)
        if duplicates:
            raise SiteValidationError(duplicates)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = exc.problem or exc.context or "cannot be read"
        raise SiteValidationError([Issue(where, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SiteValidationError([Issue("", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
