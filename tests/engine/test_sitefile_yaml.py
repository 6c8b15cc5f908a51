"""Site-file rules only the YAML text can show: quoting, syntax, duplicates, alias bombs."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.sites import HASHER
from vaultdoor.engine import SiteValidationError, load_site


def issues_of_text(text: str) -> list[str]:
    with pytest.raises(SiteValidationError) as caught:
        load_site(text, pin_hasher=HASHER)
    return [str(issue) for issue in caught.value.issues]


EXAMPLE_PEOPLE_FREE = """\
version: 1
site: {id: s, name: S, timezone: Europe/London}
floors: [{id: G, name: G, level: 0}]
zones: [{id: lobby, name: Lobby, floor: G}]
doors: [{id: D, name: D, from: outside, to: lobby}]
schedules:
  - id: day
    windows: [{days: [mon], from: %s, to: "20:00"}]
access_levels: [{id: a, zones: [lobby], schedule: day}]
people:
  - id: P
    name: P
    kind: employee
    status: active
    credentials: [{type: pin, pin: %s}]
"""


def test_unquoted_time_says_to_quote_it() -> None:
    # YAML 1.1 reads 19:00 as the number 1140 (base 60); 07:00 happens to stay a string
    issues = issues_of_text(EXAMPLE_PEOPLE_FREE % ("19:00", '"1234"'))
    assert issues == [
        'schedules[0].windows[0].from: must be a quoted string like "07:00" '
        "(YAML reads unquoted times as numbers)"
    ]


def test_unquoted_pin_says_to_quote_it() -> None:
    issues = issues_of_text(EXAMPLE_PEOPLE_FREE % ('"07:00"', "0421"))
    assert len(issues) == 1
    assert issues[0].startswith("people[0].credentials[0].pin: must be a quoted string")


def test_the_text_template_is_valid_when_quoted() -> None:
    load_site(EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"'), pin_hasher=HASHER)


def test_yaml_syntax_error_names_the_line() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"') + "  - {id: Q, name: [unclosed\n"
    issues = issues_of_text(text)
    assert len(issues) == 1
    assert issues[0].startswith("line 17, column ")
    assert "YAML syntax error" in issues[0]


def test_duplicate_yaml_keys_are_reported() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"') + "    status: suspended\n"
    assert issues_of_text(text) == ["line 16: duplicate key 'status' in one mapping"]


def test_empty_file() -> None:
    assert issues_of_text("") == ["the file is empty"]
    assert issues_of_text("# nothing\n") == ["the file is empty"]


def test_not_a_mapping() -> None:
    assert issues_of_text("- 1\n- 2\n") == ["must be a mapping of keys and values, not a list"]


def test_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    issues = issues_of_text("\n".join(lines) + "\n")
    assert issues == ["YAML aliases expand the document too much (an alias bomb?)"]


def test_modest_aliases_are_fine() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"')
    text = text.replace("zones: [lobby]", "zones: &z [lobby]")
    text += "roles: [{id: r, access_levels: *z}]\n"  # an alias used where it does not fit
    assert issues_of_text(text) == ["roles[0].access_levels[0]: unknown access level 'lobby'"]


def test_python_tags_are_refused() -> None:
    issues = issues_of_text("!!python/object/apply:os.system ['true']\n")
    assert len(issues) == 1 and "YAML" in issues[0]


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultdoor.engine.sitefile import _yaml

    monkeypatch.setattr(_yaml, "MAX_SITE_BYTES", 100)
    assert issues_of_text("x" * 101) == ["the file is larger than 0 MiB"]


def test_an_alias_inside_its_own_anchor_is_refused_not_expanded_forever() -> None:
    # PyYAML composes `a: &a [*a]` into a graph that contains itself; counting its expansion
    # used to loop for ever, growing memory (`vaultdoor site validate` never returned).
    assert issues_of_text("a: &a [*a]\n") == [
        "a YAML alias refers to the node that contains it (a cycle)"]
    assert issues_of_text("a: &a {x: [1, {y: *a}]}\n") == [
        "a YAML alias refers to the node that contains it (a cycle)"]


@st.composite
def _anchored_lines(draw: st.DrawFn) -> list[str]:
    """Lines `aN: &aN [...]` whose aliases name only earlier anchors (a DAG, no cycle)."""
    lines = []
    for i in range(draw(st.integers(1, 6))):
        refs = draw(st.lists(st.integers(0, i - 1), max_size=4)) if i else []
        items = [f"*a{j}" for j in refs] + ["1"] * draw(st.integers(0, 2))
        nest = draw(st.integers(0, 2))
        body = "[" * nest + ", ".join(items) + "]" * nest
        lines.append(f"a{i}: &a{i} [{body}]")
    return lines


def _naive_size(node: yaml.Node) -> int:
    if isinstance(node, yaml.MappingNode):
        return 1 + sum(_naive_size(k) + _naive_size(v) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return 1 + sum(_naive_size(child) for child in node.value)
    return 1


@settings(max_examples=150, deadline=None)
@given(_anchored_lines())
def test_acyclic_aliases_count_exactly_as_expanded(lines: list[str]) -> None:
    from vaultdoor.engine.sitefile._yaml import _expanded_size

    node = yaml.compose("\n".join(lines) + "\n", Loader=yaml.SafeLoader)
    assert node is not None
    assert _expanded_size(node)[1] == _naive_size(node)


@settings(max_examples=150, deadline=None)
@given(_anchored_lines(), st.data())
def test_any_self_containing_anchor_is_a_cycle(lines: list[str], data: st.DataObject) -> None:
    from vaultdoor.engine.sitefile._yaml import read_yaml

    i = data.draw(st.integers(0, len(lines) - 1))
    depth = data.draw(st.integers(0, 3))
    prefix, _, rest = lines[i].partition("[")
    lines[i] = f"{prefix}[{'{k: [' * depth}*a{i}{']}' * depth}, {rest}"
    with pytest.raises(SiteValidationError) as caught:
        read_yaml("\n".join(lines) + "\n")
    assert [issue.message for issue in caught.value.issues] == [
        "a YAML alias refers to the node that contains it (a cycle)"]
