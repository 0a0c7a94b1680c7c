"""Fidelity scale files: the ``fidelis-scale/1`` format, its validator and its writer.

A fidelity scale (items in sections, lettered criteria checked against evidence sources, and a
rule per item turning the criteria into a score) is written as a YAML file; ``docs/scales.md`` is
the user-facing reference. This module turns such a file into frozen dataclasses and back:

* :func:`parse_scale` / :func:`load_scale_file` validate *everything* and raise
  :class:`ScaleFileError` with one :class:`Problem` (file, line, plain-English message) per fault,
  so a programme lead can fix a whole file in one pass instead of one error at a time;
* :func:`dump_scale` writes YAML that parses back to an equal :class:`Scale`;
* :meth:`Scale.to_dict` / :meth:`Scale.from_dict` give JSON-ready data for storing a scale.

Line numbers come from PyYAML's node marks: the file is composed (not constructed) so that every
key and value keeps its position. No Django import here: the command line and the fast tests use
this module without settings.
"""

from __future__ import annotations

import difflib
import itertools
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = [
    "COMPARISONS",
    "DEFAULT_BANDS",
    "FORMAT",
    "UNITS",
    "Band",
    "Criterion",
    "Item",
    "Level",
    "Mapping",
    "Part",
    "Partial",
    "Parts",
    "Precondition",
    "Problem",
    "RoutineData",
    "Rule",
    "Scale",
    "ScaleFileError",
    "Section",
    "Source",
    "achievable_counts",
    "dump_scale",
    "load_scale_file",
    "parse_scale",
]

FORMAT = "fidelis-scale/1"
UNITS = ("percent", "count", "hours", "days")
COMPARISONS = (">=", ">", "<=", "<")
DEFAULT_PARTIAL_CREDIT = 0.5

# Counts are sums of credits such as 0.5 or 0.25; rounding keeps 0.1 + 0.2 equal to 0.3 when a
# count is compared with a threshold.
_COUNT_DIGITS = 9

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE_CODE_RE = re.compile(r"^[A-Z]{1,4}$")
_LETTER_RE = re.compile(r"^[a-z]{1,2}$")
_PART_LABEL_RE = re.compile(r"^[a-z0-9]{1,6}$")
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$")


# --------------------------------------------------------------------------------------------
# The scale as data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One point of the scale's scoring range, e.g. ``1`` "Not in place"."""

    value: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label}


@dataclass(frozen=True)
class Band:
    """A named range of mean item scores such as "Moderate fidelity".

    A mean falls in the band with the highest ``min`` it satisfies; ``min_inclusive`` false makes
    the minimum itself belong to the band below (the default "high" band starts *above* 4).
    """

    key: str
    label: str
    min: float
    min_inclusive: bool = True

    def admits(self, mean: float) -> bool:
        """Whether ``mean`` reaches this band's minimum."""
        return mean >= self.min if self.min_inclusive else mean > self.min

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "min": self.min}
        if not self.min_inclusive:
            data["min_inclusive"] = False
        return data


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("low", "Low fidelity", 1),
    Band("moderate", "Moderate fidelity", 3),
    Band("high", "High fidelity", 4, min_inclusive=False),
)


@dataclass(frozen=True)
class Source:
    """A kind of evidence reviewers check criteria against, e.g. ``CN`` "Case notes"."""

    code: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class Partial:
    """What "partly met" means for a criterion, and how much a partly met criterion counts."""

    text: str
    credit: float = DEFAULT_PARTIAL_CREDIT

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "credit": self.credit}


@dataclass(frozen=True)
class RoutineData:
    """A routine-data figure that can suggest whether a criterion is met.

    Reviewers confirm the suggestion; the figure never decides on its own.
    """

    measure: str
    unit: str
    comparison: str
    threshold: float

    def suggests_met(self, value: float) -> bool:
        """Whether ``value`` satisfies the comparison with the threshold."""
        if self.comparison == ">=":
            return value >= self.threshold
        if self.comparison == ">":
            return value > self.threshold
        if self.comparison == "<=":
            return value <= self.threshold
        if self.comparison == "<":
            return value < self.threshold
        raise ValueError(f"unknown comparison {self.comparison!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "unit": self.unit,
            "comparison": self.comparison,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class Part:
    """One labelled part of a criterion that counts parts, e.g. ``iv`` "Pharmacy"."""

    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text}


@dataclass(frozen=True)
class Parts:
    """A criterion met when at least ``at_least`` of its labelled parts are met."""

    at_least: int
    parts: tuple[Part, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(part.label for part in self.parts)

    def ticked(self, labels) -> int:
        """How many of these parts are among ``labels`` (a label not here is not counted)."""
        return len(set(self.labels) & set(labels))

    def enough(self, labels) -> bool:
        """Whether ``labels`` tick at least ``at_least`` of the parts."""
        return self.ticked(labels) >= self.at_least

    def to_dict(self) -> dict[str, Any]:
        return {"at_least": self.at_least, "parts": [part.to_dict() for part in self.parts]}


@dataclass(frozen=True)
class Criterion:
    """One lettered criterion of an item and the evidence sources it is checked against.

    ``sources`` are the criterion's own, or else the item's (the file may name them once for
    the item); ``guidance`` tells reviewers how to decide it; ``parts`` makes it a count of
    labelled parts.
    """

    letter: str
    text: str
    sources: tuple[str, ...]
    partial: Partial | None = None
    all_sources: bool = False
    stricter_than: str | None = None
    routine_data: RoutineData | None = None
    guidance: str | None = None
    parts: Parts | None = None

    def sources_agree(self, sources) -> bool:
        """Whether ``sources`` (the ones ticked) are enough for this criterion to count as
        met: all of its own for an ``all_sources`` criterion, any for the others."""
        return not self.all_sources or set(self.sources) <= set(sources)

    def to_dict(self, item_sources: tuple[str, ...] = ()) -> dict[str, Any]:
        data: dict[str, Any] = {"letter": self.letter, "text": self.text}
        if self.sources != item_sources:
            data["sources"] = list(self.sources)
        if self.guidance is not None:
            data["guidance"] = self.guidance
        if self.parts is not None:
            data["parts"] = self.parts.to_dict()
        if self.partial is not None:
            data["partial"] = self.partial.to_dict()
        if self.all_sources:
            data["all_sources"] = True
        if self.stricter_than is not None:
            data["stricter_than"] = self.stricter_than
        if self.routine_data is not None:
            data["routine_data"] = self.routine_data.to_dict()
        return data


@dataclass(frozen=True)
class Rule:
    """How an item's score is decided.

    ``kind == "count"``: ``thresholds`` maps score -> minimum (credit-weighted) count of criteria
    met; the item gets the highest score whose minimum the count reaches. A file may instead
    give ``counts``, score -> (lowest, highest) count, as a published scale prints its bands;
    the thresholds are then the lowest counts. ``requires`` names criteria a score also needs
    met: without them the item gets the highest lower score it qualifies for.
    ``kind == "anchors"``: ``anchors`` maps every level to a description; reviewers choose.
    """

    kind: str
    thresholds: dict[int, float] | None = None
    anchors: dict[int, str] | None = None
    counts: dict[int, tuple[float, float]] | None = None
    requires: dict[int, tuple[str, ...]] | None = None

    def __hash__(self) -> int:
        # The dicts make the generated hash fail; hash their sorted contents instead.
        return hash(
            (
                self.kind,
                tuple(sorted((self.thresholds or {}).items())),
                tuple(sorted((self.anchors or {}).items())),
                tuple(sorted((self.counts or {}).items())),
                tuple(sorted((self.requires or {}).items())),
            )
        )

    def score_for_count(self, count: float, met: Iterable[str] | None = None) -> int:
        """The score a count earns under a ``count`` rule; ``met`` are the letters of the
        criteria met, checked against ``requires`` (every requirement counts as met when
        ``met`` is None)."""
        if self.thresholds is None:
            raise ValueError("only a 'count' rule scores a count")
        count = round(count, _COUNT_DIGITS)
        met_letters = None if met is None else set(met)
        reached = [
            score
            for score, minimum in self.thresholds.items()
            if count >= minimum
            and (met_letters is None or set(self.required_for(score)) <= met_letters)
        ]
        # The lowest threshold is 0 in a valid file, so some score is always reached.
        return max(reached) if reached else min(self.thresholds)

    def required_for(self, score: int) -> tuple[str, ...]:
        """The criteria this score needs met besides its count."""
        return (self.requires or {}).get(score, ())

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "count":
            data: dict[str, Any] = {"kind": "count"}
            if self.counts:
                data["counts"] = {
                    k: _range_text(*self.counts[k]) for k in sorted(self.counts, reverse=True)
                }
            else:
                thresholds = self.thresholds or {}
                data["thresholds"] = {k: thresholds[k] for k in sorted(thresholds, reverse=True)}
            if self.requires:
                data["requires"] = {
                    k: list(self.requires[k]) for k in sorted(self.requires, reverse=True)
                }
            return data
        anchors = self.anchors or {}
        return {"kind": self.kind, "anchors": {k: anchors[k] for k in sorted(anchors)}}


def _range_text(low: float, high: float) -> int | float | str:
    """A count range as a file writes it: ``6`` or ``"4-5"``."""
    if low == high:
        return int(low) if float(low).is_integer() else low
    return f"{_fmt_number(low)}-{_fmt_number(high)}"


@dataclass(frozen=True)
class Precondition:
    """An item whose criteria follow a precondition: while criterion ``criterion`` is not met
    the item scores ``otherwise``, and the other criteria need no decision. The precondition
    itself is not counted."""

    criterion: str
    otherwise: int

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "otherwise": self.otherwise}


@dataclass(frozen=True)
class Item:
    """One fidelity item: what is checked (criteria), why it matters, and how it is scored."""

    number: int
    title: str
    purpose: str
    criteria: tuple[Criterion, ...]
    rule: Rule
    sources: tuple[str, ...] = ()
    guidance: str | None = None
    precondition: Precondition | None = None

    def criterion(self, letter: str) -> Criterion:
        """The criterion with this letter (``KeyError`` if there is none)."""
        for criterion in self.criteria:
            if criterion.letter == letter:
                return criterion
        raise KeyError(letter)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(c.letter for c in self.criteria)

    @property
    def counted(self) -> tuple[Criterion, ...]:
        """The criteria the rule counts: all but a precondition."""
        if self.precondition is None:
            return self.criteria
        return tuple(c for c in self.criteria if c.letter != self.precondition.criterion)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"number": self.number, "title": self.title, "purpose": self.purpose}
        if self.guidance is not None:
            data["guidance"] = self.guidance
        if self.sources:
            data["sources"] = list(self.sources)
        if self.precondition is not None:
            data["precondition"] = self.precondition.to_dict()
        if self.criteria:
            data["criteria"] = [c.to_dict(self.sources) for c in self.criteria]
        data["rule"] = self.rule.to_dict()
        return data


@dataclass(frozen=True)
class Section:
    """A titled group of items, e.g. "Referrals and access"."""

    number: int
    title: str
    items: tuple[Item, ...]
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"number": self.number, "title": self.title}
        if self.description is not None:
            data["description"] = self.description
        data["items"] = [i.to_dict() for i in self.items]
        return data


@dataclass(frozen=True)
class Mapping:
    """How this version's items relate to an earlier version's items.

    ``items`` maps every item number of this version to the earlier item number it continues, or
    to ``None`` for an item that is new in this version.
    """

    from_version: str
    items: dict[int, int | None]

    def __hash__(self) -> int:
        return hash((self.from_version, tuple(sorted(self.items.items()))))

    def to_dict(self) -> dict[str, Any]:
        return {"from_version": self.from_version, "items": dict(sorted(self.items.items()))}


@dataclass(frozen=True)
class Scale:
    """A complete fidelity scale, as read from a ``fidelis-scale/1`` file."""

    slug: str
    name: str
    version: str
    licence: str
    levels: tuple[Level, ...]
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    description: str | None = None
    citation: str | None = None
    demonstration: bool = False
    bands: tuple[Band, ...] = DEFAULT_BANDS
    mapping: Mapping | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        """All items, in order through the sections."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, number: int) -> Item:
        """The item with this number (``KeyError`` if there is none)."""
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)

    def section_of(self, item_number: int) -> Section:
        """The section holding this item (``KeyError`` if there is none)."""
        for section in self.sections:
            if any(item.number == item_number for item in section.items):
                return section
        raise KeyError(item_number)

    @property
    def level_values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    @property
    def min_level(self) -> int:
        return min(self.level_values)

    @property
    def max_level(self) -> int:
        return max(self.level_values)

    @property
    def source_codes(self) -> tuple[str, ...]:
        return tuple(source.code for source in self.sources)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data in the file's key layout (``from_dict`` reads it back)."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "slug": self.slug,
            "name": self.name,
            "version": self.version,
        }
        if self.description is not None:
            data["description"] = self.description
        if self.citation is not None:
            data["citation"] = self.citation
        data["licence"] = self.licence
        if self.demonstration:
            data["demonstration"] = True
        data["levels"] = [level.to_dict() for level in self.levels]
        data["bands"] = [band.to_dict() for band in self.bands]
        data["sources"] = [source.to_dict() for source in self.sources]
        data["sections"] = [section.to_dict() for section in self.sections]
        if self.mapping is not None:
            data["mapping"] = self.mapping.to_dict()
        return data

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scale:
        """Rebuild a scale from :meth:`to_dict` data, possibly after a JSON round trip.

        The data is assumed valid (it was validated on import), so nothing is checked here;
        JSON turns integer dict keys into strings, which are turned back.
        """
        bands = d.get("bands")
        mapping = d.get("mapping")
        return cls(
            slug=d["slug"],
            name=d["name"],
            version=d["version"],
            licence=d["licence"],
            levels=tuple(Level(lv["value"], lv["label"]) for lv in d["levels"]),
            sources=tuple(Source(s["code"], s["name"]) for s in d["sources"]),
            sections=tuple(_section_from_dict(s) for s in d["sections"]),
            description=d.get("description"),
            citation=d.get("citation"),
            demonstration=bool(d.get("demonstration", False)),
            bands=(
                tuple(
                    Band(b["key"], b["label"], b["min"], b.get("min_inclusive", True))
                    for b in bands
                )
                if bands
                else DEFAULT_BANDS
            ),
            mapping=(
                Mapping(
                    mapping["from_version"],
                    {int(k): (None if v is None else int(v)) for k, v in mapping["items"].items()},
                )
                if mapping
                else None
            ),
        )


def _section_from_dict(d: dict[str, Any]) -> Section:
    return Section(
        number=d["number"],
        title=d["title"],
        items=tuple(_item_from_dict(i) for i in d["items"]),
        description=d.get("description"),
    )


def _parse_range(value: Any) -> tuple[float, float] | None:
    """``6`` or ``"4-5"`` as (lowest, highest); None if it is neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, str):
        match = _RANGE_RE.match(value.strip())
        if match:
            low, high = (float(g) for g in match.groups())
            return (int(low) if low.is_integer() else low, int(high) if high.is_integer() else high)
    return None


def _item_from_dict(d: dict[str, Any]) -> Item:
    rule = d["rule"]
    if rule["kind"] == "count":
        requires = rule.get("requires")
        requires_obj = {int(k): tuple(v) for k, v in requires.items()} if requires else None
        if "counts" in rule:
            counts = {int(k): _parse_range(v) for k, v in rule["counts"].items()}
            rule_obj = Rule(
                "count",
                thresholds={k: v[0] for k, v in counts.items() if v},
                counts={k: v for k, v in counts.items() if v},
                requires=requires_obj,
            )
        else:
            rule_obj = Rule(
                "count",
                thresholds={int(k): v for k, v in rule["thresholds"].items()},
                requires=requires_obj,
            )
    else:
        rule_obj = Rule(rule["kind"], anchors={int(k): v for k, v in rule["anchors"].items()})
    item_sources = tuple(d.get("sources", ()))
    precondition = d.get("precondition")
    return Item(
        number=d["number"],
        title=d["title"],
        purpose=d["purpose"],
        criteria=tuple(_criterion_from_dict(c, item_sources) for c in d.get("criteria", ())),
        rule=rule_obj,
        sources=item_sources,
        guidance=d.get("guidance"),
        precondition=(
            Precondition(precondition["criterion"], precondition["otherwise"])
            if precondition
            else None
        ),
    )


def _criterion_from_dict(d: dict[str, Any], item_sources: tuple[str, ...] = ()) -> Criterion:
    partial = d.get("partial")
    routine = d.get("routine_data")
    parts = d.get("parts")
    return Criterion(
        letter=d["letter"],
        text=d["text"],
        sources=tuple(d["sources"]) if "sources" in d else item_sources,
        guidance=d.get("guidance"),
        parts=(
            Parts(parts["at_least"], tuple(Part(p["label"], p["text"]) for p in parts["parts"]))
            if parts
            else None
        ),
        partial=(
            Partial(partial["text"], partial.get("credit", DEFAULT_PARTIAL_CREDIT))
            if partial
            else None
        ),
        all_sources=bool(d.get("all_sources", False)),
        stricter_than=d.get("stricter_than"),
        routine_data=(
            RoutineData(
                routine["measure"], routine["unit"], routine["comparison"], routine["threshold"]
            )
            if routine
            else None
        ),
    )


def achievable_counts(criteria: Sequence[Criterion]) -> list[float]:
    """Every credit-weighted count the criteria can produce, ascending.

    A criterion contributes 0, 1 or (when it may be partly met) its partial credit; a met
    criterion that is stricter than another makes that one count as met too, so combinations
    such as "c met, b not" do not occur. Past a few thousand combinations the stricter-than
    links are ignored, which can only add counts, never lose one.
    """
    options: list[tuple[float, ...]] = []
    for criterion in criteria:
        choices: tuple[float, ...] = (0.0, 1.0)
        if criterion.partial is not None and not criterion.all_sources:
            choices = (0.0, criterion.partial.credit, 1.0)
        options.append(choices)
    index = {c.letter: i for i, c in enumerate(criteria)}
    links = [
        (i, index[c.stricter_than])
        for i, c in enumerate(criteria)
        if c.stricter_than is not None and c.stricter_than in index
    ]
    if not links or math.prod(len(o) for o in options) > 20000:
        sums = {0.0}
        for choices in options:
            sums = {round(s + c, _COUNT_DIGITS) for s in sums for c in choices}
        return sorted(sums)
    counts = set()
    for combo in itertools.product(*options):
        values = list(combo)
        changed = True
        while changed:
            changed = False
            for stricter, weaker in links:
                if values[stricter] == 1.0 and values[weaker] != 1.0:
                    values[weaker] = 1.0
                    changed = True
        counts.add(round(sum(values), _COUNT_DIGITS))
    return sorted(counts)


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One fault in a scale file, at a 1-based line; ``str()`` gives ``FILE:LINE: message``."""

    filename: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


class ScaleFileError(ValueError):
    """A scale file is not valid; ``problems`` lists every fault found, in line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------------------------
# Reading and validating
# --------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "format",
    "slug",
    "name",
    "version",
    "description",
    "citation",
    "licence",
    "demonstration",
    "levels",
    "bands",
    "sources",
    "sections",
    "mapping",
)
_TOP_REQUIRED = ("format", "slug", "name", "version", "licence", "levels", "sources", "sections")
_SECTION_KEYS = ("number", "title", "description", "items")
_ITEM_KEYS = (
    "number",
    "title",
    "purpose",
    "guidance",
    "sources",
    "precondition",
    "criteria",
    "rule",
)
_CRITERION_KEYS = (
    "letter",
    "text",
    "guidance",
    "sources",
    "parts",
    "partial",
    "all_sources",
    "stricter_than",
    "routine_data",
)
_ROUTINE_KEYS = ("measure", "unit", "comparison", "threshold")

_Fields = dict[str, tuple[yaml.Node, yaml.Node]]


class _Invalid:
    """Marks a value that could not be read; its problem has already been reported."""


_INVALID = _Invalid()


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _quote_list(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _fmt_number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Reader:
    """Walks a composed YAML node tree, collecting problems and building the scale."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.loader: yaml.SafeLoader | None = None
        self.level_values: tuple[int, ...] | None = None
        self.source_codes: tuple[str, ...] | None = None
        # Set when some item's number could not be read; the 1..N order check is then skipped.
        self.bad_item_number = False
        self.criteria_listed: int | None = None

    # -- reporting -----------------------------------------------------------------------------

    def problem(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(self.filename, _line(node), message))

    def describe(self, node: yaml.Node) -> str:
        """What a node holds, in words a non-programmer recognises."""
        if isinstance(node, yaml.MappingNode):
            return "a set of 'key: value' lines"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        value = self.value(node)
        if value is None:
            return "empty"
        if isinstance(value, bool):
            return f"the true/false value {str(value).lower()}"
        if isinstance(value, int | float):
            return f"the number {value}"
        if isinstance(value, str):
            return f"the text '{value}'"
        return f"'{node.value}'"

    # -- low-level access ----------------------------------------------------------------------

    def value(self, node: yaml.Node) -> Any:
        """The Python value of a scalar node (``_INVALID`` if it cannot be built)."""
        if not isinstance(node, yaml.ScalarNode):
            return node
        assert self.loader is not None
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            self.problem(
                node,
                f"cannot read the value '{node.value}' tagged '{node.tag}'; scale files use no "
                "'!' tags",
            )
            return _INVALID

    def mapping(self, node: yaml.Node, where: str) -> _Fields | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                f"{where} should be a set of 'key: value' lines, but it is {self.describe(node)}",
            )
            return None
        fields: _Fields = {}
        for key_node, value_node in node.value:
            key = self.value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(
                    key_node,
                    f"{where}: '{getattr(key_node, 'value', key)}' is not a key "
                    "this file format knows",
                )
                continue
            if key in fields:
                self.problem(
                    key_node,
                    f"{where}: '{key}' appears twice (first on line {_line(fields[key][0])}); "
                    "keep only one",
                )
                continue
            fields[key] = (key_node, value_node)
        return fields

    def keys(
        self,
        fields: _Fields,
        node: yaml.Node,
        where: str,
        allowed: Sequence[str],
        required: Sequence[str],
    ) -> None:
        for key, (key_node, _) in fields.items():
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else f"the keys allowed here are {_quote_list(allowed)}"
            )
            self.problem(key_node, f"{where}: unknown key '{key}'; {hint}")
        for key in required:
            if key not in fields:
                self.problem(node, f"{where}: '{key}' is missing")

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{where} should be a list, but it is {self.describe(node)}")
            return None
        return list(node.value)

    def text(self, fields: _Fields, key: str, where: str, *, required: bool = True) -> Any:
        """A text value; ``None`` when absent, ``_INVALID`` when present but unusable."""
        if key not in fields:
            return None
        node = fields[key][1]
        value = self.value(node)
        if value is _INVALID:
            return _INVALID
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(node, f"{where}: '{key}' is empty; it needs some text")
                return _INVALID
            return None
        if not isinstance(value, str):
            self.problem(
                node,
                f"{where}: '{key}' must be text, but it is {self.describe(node)}; "
                "put it in quotes if it is meant as text",
            )
            return _INVALID
        return value

    def integer(self, fields: _Fields, key: str, where: str) -> Any:
        if key not in fields:
            return None
        node = fields[key][1]
        value = self.value(node)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is not _INVALID:
            self.problem(
                node,
                f"{where}: '{key}' must be a whole number, but it is "
                f"{self.describe(node)}{self.unquote_hint(value)}",
            )
        return _INVALID

    def number(self, fields: _Fields, key: str, where: str) -> Any:
        if key not in fields:
            return None
        node = fields[key][1]
        return self.number_node(node, f"{where}: '{key}'")

    def number_node(self, node: yaml.Node, what: str) -> Any:
        value = self.value(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                self.problem(node, f"{what} must be an ordinary number")
                return _INVALID
            return value
        if value is not _INVALID:
            self.problem(
                node,
                f"{what} must be a number, but it is "
                f"{self.describe(node)}{self.unquote_hint(value)}",
            )
        return _INVALID

    @staticmethod
    def unquote_hint(value: Any) -> str:
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return ""
            return "; remove the quotes around it"
        return ""

    def boolean(self, fields: _Fields, key: str, where: str, default: bool) -> Any:
        if key not in fields:
            return default
        node = fields[key][1]
        value = self.value(node)
        if isinstance(value, bool):
            return value
        if value is not _INVALID:
            self.problem(
                node, f"{where}: '{key}' must be true or false, but it is {self.describe(node)}"
            )
        return _INVALID

    # -- the scale -----------------------------------------------------------------------------

    def read(self, text: str) -> Scale | None:
        try:
            # The loader is kept: scalar values are built with it as the tree is walked.
            self.loader = yaml.SafeLoader(text)
            root = self.loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            what = exc.problem or exc.context or "unreadable text"
            if "another document" in what:
                message = (
                    "the file holds more than one YAML document (a line '---' starts a second "
                    "one); a scale file holds exactly one scale"
                )
            elif "'\\t'" in what:
                message = "this line is indented with a tab; indent with spaces only"
            else:
                message = (
                    f"this is not valid YAML ({what}); check the indentation, and put text "
                    "that contains ': ' or starts with a special character in quotes"
                )
            self.problems.append(Problem(self.filename, line, message))
            return None
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            self.problems.append(
                Problem(
                    self.filename,
                    line,
                    f"the file contains a character that is not allowed in a scale file "
                    f"(code {exc.character!r})",
                )
            )
            return None
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.filename, 1, f"this is not valid YAML ({exc})"))
            return None
        if root is None:
            self.problems.append(Problem(self.filename, 1, "the file is empty"))
            return None
        return self.scale(root)

    def scale(self, root: yaml.Node) -> Scale | None:
        where = "scale"
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root,
                "the file should be a set of 'key: value' lines (format, slug, name ...), but it "
                f"is {self.describe(root)}",
            )
            return None
        fields = self.mapping(root, where)
        if fields is None:
            return None
        self.keys(fields, root, where, _TOP_KEYS, _TOP_REQUIRED)

        if "format" in fields:
            node = fields["format"][1]
            if self.value(node) != FORMAT:
                self.problem(
                    node,
                    f"{where}: 'format' must be exactly {FORMAT}, but it is {self.describe(node)}",
                )
        slug = self.text(fields, "slug", where)
        if isinstance(slug, str) and not _SLUG_RE.match(slug):
            self.problem(
                fields["slug"][1],
                f"{where}: the slug '{slug}' may contain only lowercase letters, digits and "
                "single hyphens between them (for example crisis-demo)",
            )
            slug = _INVALID
        name = self.text(fields, "name", where)
        version = self.text(fields, "version", where)
        if version is _INVALID and "version" in fields:
            value = self.value(fields["version"][1])
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.problems[-1] = Problem(
                    self.filename,
                    _line(fields["version"][1]),
                    f"{where}: 'version' must be text; write it in quotes, "
                    f'for example version: "{fields["version"][1].value}"',
                )
        description = self.text(fields, "description", where, required=False)
        citation = self.text(fields, "citation", where, required=False)
        licence = self.text(fields, "licence", where)
        demonstration = self.boolean(fields, "demonstration", where, False)

        levels = self.levels(fields["levels"][1]) if "levels" in fields else None
        bands = self.bands(fields["bands"][1]) if "bands" in fields else self.default_bands(root)
        sources = self.sources(fields["sources"][1]) if "sources" in fields else None
        sections = self.sections(fields["sections"][1]) if "sections" in fields else None
        mapping = (
            self.mapping_block(fields["mapping"][1], version, sections)
            if "mapping" in fields
            else None
        )
        if self.problems:
            return None
        return Scale(
            slug=slug,
            name=name,
            version=version,
            licence=licence,
            levels=levels,
            sources=sources,
            sections=sections,
            description=description,
            citation=citation,
            demonstration=demonstration,
            bands=bands,
            mapping=mapping,
        )

    def levels(self, node: yaml.Node) -> tuple[Level, ...] | None:
        entries = self.sequence(node, "'levels'")
        if entries is None:
            return None
        levels: list[Level] = []
        ok = True
        for position, entry in enumerate(entries, 1):
            where = f"levels entry {position}"
            fields = self.mapping(entry, where)
            if fields is None:
                ok = False
                continue
            self.keys(fields, entry, where, ("value", "label"), ("value", "label"))
            value = self.integer(fields, "value", where)
            label = self.text(fields, "label", where)
            if isinstance(value, int) and isinstance(label, str):
                levels.append(Level(value, label))
            else:
                ok = False
        if len(entries) < 2:
            self.problem(node, "'levels' needs at least two levels, for example 1 to 5")
            return None
        if not ok:
            return None
        values = [level.value for level in levels]
        for position, (before, after) in enumerate(itertools.pairwise(values), 2):
            if after != before + 1:
                self.problem(
                    entries[position - 1],
                    f"levels must be consecutive whole numbers in rising order "
                    f"(for example 1, 2, 3, 4, 5); {after} follows {before}",
                )
                return None
        self.level_values = tuple(values)
        return tuple(levels)

    def default_bands(self, root: yaml.Node) -> tuple[Band, ...]:
        values = self.level_values
        if values is not None and (values[0] != 1 or values[-1] < 5):
            self.problem(
                root,
                "scale: the default bands (low from 1, moderate from 3, high above 4) only fit "
                f"levels that run from 1 to at least 5; these levels run from {values[0]} to "
                f"{values[-1]}, so add a 'bands' list",
            )
        return DEFAULT_BANDS

    def bands(self, node: yaml.Node) -> tuple[Band, ...] | None:
        entries = self.sequence(node, "'bands'")
        if entries is None:
            return None
        if not entries:
            self.problem(
                node,
                "'bands' is empty; give at least one band, or leave 'bands' out "
                "to use the default low, moderate and high bands",
            )
            return None
        bands: list[Band] = []
        band_nodes: list[yaml.Node] = []
        seen: dict[str, int] = {}
        ok = True
        for position, entry in enumerate(entries, 1):
            where = f"bands entry {position}"
            fields = self.mapping(entry, where)
            if fields is None:
                ok = False
                continue
            self.keys(
                fields,
                entry,
                where,
                ("key", "label", "min", "min_inclusive"),
                ("key", "label", "min"),
            )
            key = self.text(fields, "key", where)
            label = self.text(fields, "label", where)
            minimum = self.number(fields, "min", where)
            inclusive = self.boolean(fields, "min_inclusive", where, True)
            if isinstance(key, str):
                if key in seen:
                    self.problem(
                        fields["key"][1],
                        f"{where}: the band key '{key}' is used twice (first on line {seen[key]})",
                    )
                    ok = False
                else:
                    seen[key] = _line(fields["key"][1])
            if (
                isinstance(key, str)
                and isinstance(label, str)
                and isinstance(minimum, int | float)
                and isinstance(inclusive, bool)
            ):
                bands.append(Band(key, label, minimum, inclusive))
                band_nodes.append(entry)
            else:
                ok = False
        if not ok:
            return None
        for (before, after), after_node in zip(
            itertools.pairwise(bands), band_nodes[1:], strict=True
        ):
            if after.min <= before.min:
                self.problem(
                    after_node,
                    f"band '{after.key}' starts at {_fmt_number(after.min)}, which is not above "
                    f"the band before it ('{before.key}' from {_fmt_number(before.min)}); "
                    "list bands from lowest to highest with rising minimums",
                )
                ok = False
        if not bands[0].min_inclusive:
            self.problem(
                band_nodes[0],
                f"band '{bands[0].key}' is the lowest band, so it must include its minimum; "
                "remove 'min_inclusive: false' from it",
            )
            ok = False
        values = self.level_values
        if values is not None:
            if bands[0].min != values[0]:
                self.problem(
                    band_nodes[0],
                    f"the lowest band ('{bands[0].key}') must start at the lowest level, "
                    f"{values[0]}, but it starts at {_fmt_number(bands[0].min)}",
                )
                ok = False
            for band, band_node in zip(bands, band_nodes, strict=True):
                if band.min > values[-1] or (band.min == values[-1] and not band.min_inclusive):
                    self.problem(
                        band_node,
                        f"band '{band.key}' can never be reached: no mean score can be "
                        f"{'above' if not band.min_inclusive else 'at least'} "
                        f"{_fmt_number(band.min)} when the highest level is {values[-1]}",
                    )
                    ok = False
        return tuple(bands) if ok else None

    def sources(self, node: yaml.Node) -> tuple[Source, ...] | None:
        entries = self.sequence(node, "'sources'")
        if entries is None:
            return None
        if not entries:
            self.problem(node, "'sources' is empty; list at least one evidence source")
            return None
        sources: list[Source] = []
        seen: dict[str, int] = {}
        ok = True
        for position, entry in enumerate(entries, 1):
            where = f"sources entry {position}"
            fields = self.mapping(entry, where)
            if fields is None:
                ok = False
                continue
            self.keys(fields, entry, where, ("code", "name"), ("code", "name"))
            code = self.text(fields, "code", where)
            name = self.text(fields, "name", where)
            if isinstance(code, str):
                code_node = fields["code"][1]
                if not _SOURCE_CODE_RE.match(code):
                    self.problem(
                        code_node,
                        f"{where}: the source code '{code}' must be 1 to 4 capital letters "
                        "(for example C, SU or CN)",
                    )
                    code = _INVALID
                elif code in seen:
                    self.problem(
                        code_node,
                        f"{where}: the source code '{code}' is used twice "
                        f"(first on line {seen[code]})",
                    )
                    code = _INVALID
                else:
                    seen[code] = _line(code_node)
            if isinstance(code, str) and isinstance(name, str):
                sources.append(Source(code, name))
            else:
                ok = False
        # Codes that were read are still worth checking criteria against, even when another
        # source entry is broken: that avoids a flood of "unknown source" problems.
        self.source_codes = tuple(seen)
        return tuple(sources) if ok else None

    def sections(self, node: yaml.Node) -> tuple[Section, ...] | None:
        entries = self.sequence(node, "'sections'")
        if entries is None:
            return None
        if not entries:
            self.problem(node, "'sections' is empty; a scale needs at least one section")
            return None
        sections: list[Section] = []
        seen_sections: dict[int, int] = {}
        seen_items: dict[int, int] = {}
        item_numbers: list[tuple[int, yaml.Node]] = []
        ok = True
        for position, entry in enumerate(entries, 1):
            where = f"section entry {position}"
            fields = self.mapping(entry, where)
            if fields is None:
                ok = False
                continue
            number = self.integer(fields, "number", where)
            if isinstance(number, int):
                number_node = fields["number"][1]
                if number < 1:
                    self.problem(number_node, f"{where}: section numbers must be 1 or more")
                    number = _INVALID
                elif number in seen_sections:
                    self.problem(
                        number_node,
                        f"section number {number} is used twice "
                        f"(first on line {seen_sections[number]})",
                    )
                    number = _INVALID
                else:
                    seen_sections[number] = _line(number_node)
                    where = f"section {number}"
            self.keys(fields, entry, where, _SECTION_KEYS, ("number", "title", "items"))
            title = self.text(fields, "title", where)
            description = self.text(fields, "description", where, required=False)
            items: list[Item] | None = None
            if "items" in fields:
                items_node = fields["items"][1]
                item_entries = self.sequence(items_node, f"{where}: 'items'")
                if item_entries is not None:
                    if not item_entries:
                        self.problem(items_node, f"{where} has no items")
                    # Every item is read, even after a broken one, so all problems are reported.
                    read = [
                        self.item(
                            item_entry,
                            f"{where}, item entry {item_position}",
                            seen_items,
                            item_numbers,
                        )
                        for item_position, item_entry in enumerate(item_entries, 1)
                    ]
                    items = [item for item in read if item is not None]
                    if len(items) != len(read):
                        items = None
            if isinstance(number, int) and isinstance(title, str) and items:
                sections.append(Section(number, title, tuple(items), description))
            else:
                ok = False
        if not self.problems_about_item_numbers(item_numbers, seen_items):
            ok = False
        return tuple(sections) if ok else None

    def problems_about_item_numbers(
        self, numbers: list[tuple[int, yaml.Node]], seen: dict[int, int]
    ) -> bool:
        """Check that items run 1, 2, 3 ... through the sections; duplicates are reported
        where they are found, so this only looks when every number is distinct."""
        if self.bad_item_number or len(numbers) != len(seen):
            return True
        for expected, (number, node) in enumerate(numbers, 1):
            if number != expected:
                self.problem(
                    node,
                    f"item numbers must run 1, 2, 3 ... in order through the sections; "
                    f"item {number} is where item {expected} should be",
                )
                return False
        return True

    def item(
        self,
        node: yaml.Node,
        where: str,
        seen_items: dict[int, int],
        item_numbers: list[tuple[int, yaml.Node]],
    ) -> Item | None:
        fields = self.mapping(node, where)
        if fields is None:
            return None
        number = self.integer(fields, "number", where)
        if isinstance(number, int):
            number_node = fields["number"][1]
            if number < 1:
                self.problem(number_node, f"{where}: item numbers must be 1 or more")
                number = _INVALID
            elif number in seen_items:
                self.problem(
                    number_node,
                    f"item number {number} is used twice (first on line {seen_items[number]}); "
                    "item numbers must be unique across the whole scale",
                )
                number = _INVALID
            else:
                seen_items[number] = _line(number_node)
                item_numbers.append((number, number_node))
                where = f"item {number}"
        if not isinstance(number, int):
            self.bad_item_number = True
        self.keys(fields, node, where, _ITEM_KEYS, ("number", "title", "purpose", "rule"))
        title = self.text(fields, "title", where)
        purpose = self.text(fields, "purpose", where)
        guidance = self.text(fields, "guidance", where)
        item_sources: tuple[str, ...] | None = ()
        if "sources" in fields:
            item_sources = self.source_list(fields["sources"][1], where, "the item")
        criteria: tuple[Criterion, ...] | None = ()
        # How many criteria the file lists, even when some are broken: thresholds can still be
        # checked against it.
        self.criteria_listed = 0
        if "criteria" in fields:
            criteria_node = fields["criteria"][1]
            criteria = self.criteria(criteria_node, where, item_sources)
            self.criteria_listed = (
                len(criteria_node.value) if isinstance(criteria_node, yaml.SequenceNode) else None
            )
        elif set(fields) - set(_ITEM_KEYS):
            # Probably a misspelt 'criteria', already reported: do not also complain that the
            # rule has nothing to count.
            criteria = None
            self.criteria_listed = None
        precondition: Any = None
        criteria_counted = criteria
        if "precondition" in fields:
            precondition = self.precondition(fields["precondition"][1], where, criteria)
            if isinstance(precondition, Precondition) and criteria:
                if self.criteria_listed is not None:
                    self.criteria_listed -= 1
                criteria_counted = tuple(c for c in criteria if c.letter != precondition.criterion)
        rule = None
        if "rule" in fields:
            rule = self.rule(fields["rule"][1], where, criteria_counted)
        if (
            isinstance(number, int)
            and isinstance(title, str)
            and isinstance(purpose, str)
            and guidance is not _INVALID
            and item_sources is not None
            and criteria is not None
            and precondition is not _INVALID
            and rule is not None
        ):
            return Item(
                number,
                title,
                purpose,
                criteria,
                rule,
                sources=item_sources,
                guidance=guidance,
                precondition=precondition,
            )
        return None

    def precondition(
        self, node: yaml.Node, where: str, criteria: tuple[Criterion, ...] | None
    ) -> Any:
        what = f"{where}: 'precondition'"
        fields = self.mapping(node, what)
        if fields is None:
            return _INVALID
        self.keys(fields, node, what, ("criterion", "otherwise"), ("criterion", "otherwise"))
        letter = self.text(fields, "criterion", what)
        otherwise = self.integer(fields, "otherwise", what)
        if isinstance(letter, str) and criteria is not None:
            letters = [c.letter for c in criteria]
            if letter not in letters:
                self.problem(
                    fields["criterion"][1],
                    f"{what} names criterion '{letter}', but this item has no criterion "
                    f"'{letter}' (its letters are {_quote_list(letters) or 'none'})",
                )
                letter = _INVALID
            elif len(letters) < 2:
                self.problem(
                    node,
                    f"{what}: the item has no criteria besides its precondition '{letter}'; "
                    "a precondition comes before other criteria",
                )
                letter = _INVALID
        if (
            isinstance(otherwise, int)
            and self.level_values is not None
            and otherwise not in self.level_values
        ):
            self.problem(
                fields["otherwise"][1],
                f"{what}: 'otherwise' is the score while the precondition is not met, and must "
                f"be a level of the scale ({self.level_values[0]} to {self.level_values[-1]}), "
                f"not {otherwise}",
            )
            otherwise = _INVALID
        if isinstance(letter, str) and isinstance(otherwise, int) and criteria is not None:
            return Precondition(letter, otherwise)
        return _INVALID

    def criteria(
        self, node: yaml.Node, where: str, item_sources: tuple[str, ...] | None = ()
    ) -> tuple[Criterion, ...] | None:
        entries = self.sequence(node, f"{where}: 'criteria'")
        if entries is None:
            return None
        criteria: list[Criterion] = []
        letter_nodes: dict[str, yaml.Node] = {}
        stricter_nodes: dict[str, yaml.Node] = {}
        ok = True
        for position, entry in enumerate(entries, 1):
            label = f"criterion entry {position}"
            fields = self.mapping(entry, f"{where}: {label}")
            if fields is None:
                ok = False
                continue
            letter = self.text(fields, "letter", f"{where}: {label}")
            if isinstance(letter, str):
                letter_node = fields["letter"][1]
                if not _LETTER_RE.match(letter):
                    self.problem(
                        letter_node,
                        f"{where}: criterion letter '{letter}' must be a lowercase letter "
                        "(a, b, c ...)",
                    )
                    letter = _INVALID
                elif letter in letter_nodes:
                    self.problem(
                        letter_node,
                        f"{where}: criterion letter '{letter}' is used twice (first on line "
                        f"{_line(letter_nodes[letter])})",
                    )
                    letter = _INVALID
                else:
                    letter_nodes[letter] = letter_node
                    label = f"criterion '{letter}'"
            cwhere = f"{where}: {label}"
            self.keys(fields, entry, cwhere, _CRITERION_KEYS, ("letter", "text"))
            text = self.text(fields, "text", cwhere)
            guidance = self.text(fields, "guidance", cwhere)
            if "sources" in fields:
                sources = self.criterion_sources(fields, where, label)
            elif item_sources:
                sources = item_sources
            else:
                sources = None
                if item_sources is not None:
                    self.problem(
                        entry,
                        f"{cwhere}: no evidence sources; give 'sources' here, or once for the "
                        "whole item",
                    )
            partial = None
            if "partial" in fields:
                partial = self.partial(fields["partial"][1], cwhere)
            parts = None
            if "parts" in fields:
                parts = self.parts(fields["parts"][1], cwhere)
                if isinstance(parts, Parts) and isinstance(partial, Partial):
                    self.problem(
                        fields["partial"][0],
                        f"{cwhere} has both 'parts' and 'partial'; a criterion that counts its "
                        "parts is met or not met by the count -- remove one of the two",
                    )
                    partial = _INVALID
            all_sources = self.boolean(fields, "all_sources", cwhere, False)
            if all_sources is True and isinstance(partial, Partial):
                self.problem(
                    fields["partial"][0],
                    f"{cwhere} has both 'all_sources: true' and 'partial'; an all-sources "
                    "criterion is either met by every source or not met, so it cannot be partly "
                    "met -- remove one of the two",
                )
                partial = _INVALID
            stricter = self.text(fields, "stricter_than", cwhere, required=False)
            if "stricter_than" in fields and stricter is None:
                self.problem(
                    fields["stricter_than"][1],
                    f"{cwhere}: 'stricter_than' is empty; "
                    "give the letter of the criterion this one is stricter than",
                )
                stricter = _INVALID
            if isinstance(stricter, str):
                stricter_nodes[letter if isinstance(letter, str) else f"#{position}"] = fields[
                    "stricter_than"
                ][1]
            routine = None
            if "routine_data" in fields:
                routine = self.routine_data(fields["routine_data"][1], cwhere)
            if (
                isinstance(letter, str)
                and isinstance(text, str)
                and sources is not None
                and partial is not _INVALID
                and isinstance(all_sources, bool)
                and stricter is not _INVALID
                and routine is not _INVALID
                and guidance is not _INVALID
                and parts is not _INVALID
            ):
                criteria.append(
                    Criterion(
                        letter,
                        text,
                        sources,
                        partial,
                        all_sources,
                        stricter,
                        routine,
                        guidance=guidance,
                        parts=parts,
                    )
                )
            else:
                ok = False
        ok = self.check_stricter(where, letter_nodes, stricter_nodes, criteria) and ok
        return tuple(criteria) if ok else None

    def criterion_sources(self, fields: _Fields, where: str, label: str) -> tuple[str, ...] | None:
        if "sources" not in fields:
            return None
        return self.source_list(fields["sources"][1], where, label)

    def source_list(self, node: yaml.Node, where: str, label: str) -> tuple[str, ...] | None:
        entries = self.sequence(node, f"{where}: {label}: 'sources'")
        if entries is None:
            return None
        if not entries:
            self.problem(node, f"{where}: {label} needs at least one evidence source")
            return None
        codes: list[str] = []
        ok = True
        known = self.source_codes
        for entry in entries:
            value = self.value(entry) if isinstance(entry, yaml.ScalarNode) else _INVALID
            if not isinstance(value, str):
                if value is not _INVALID or not isinstance(entry, yaml.ScalarNode):
                    self.problem(
                        entry,
                        f"{where}: {label}: each source must be a source code "
                        f"such as CN, but one is {self.describe(entry)}",
                    )
                ok = False
                continue
            if value in codes:
                self.problem(entry, f"{where}: {label} lists source '{value}' twice")
                ok = False
                continue
            if known is not None and value not in known:
                self.problem(
                    entry,
                    f"{where}: {label} names unknown evidence source '{value}'; "
                    f"known sources are {_quote_list(known)}",
                )
                ok = False
                continue
            codes.append(value)
        return tuple(codes) if ok else None

    def parts(self, node: yaml.Node, where: str) -> Any:
        what = f"{where}: 'parts'"
        fields = self.mapping(node, what)
        if fields is None:
            return _INVALID
        self.keys(fields, node, what, ("at_least", "parts"), ("at_least", "parts"))
        at_least = self.integer(fields, "at_least", what)
        if "parts" not in fields:
            return _INVALID
        entries = self.sequence(fields["parts"][1], f"{what}: 'parts'")
        if entries is None:
            return _INVALID
        parts: list[Part] = []
        seen: dict[str, int] = {}
        ok = True
        for position, entry in enumerate(entries, 1):
            pwhere = f"{what}: part {position}"
            pfields = self.mapping(entry, pwhere)
            if pfields is None:
                ok = False
                continue
            self.keys(pfields, entry, pwhere, ("label", "text"), ("label", "text"))
            label = self.value(pfields["label"][1]) if "label" in pfields else None
            if isinstance(label, int) and not isinstance(label, bool):
                label = str(label)
            text = self.text(pfields, "text", pwhere)
            if "label" in pfields and not (isinstance(label, str) and _PART_LABEL_RE.match(label)):
                self.problem(
                    pfields["label"][1],
                    f"{pwhere}: a part's label is 1 to 6 lowercase letters or digits, such as "
                    f"i, ii, xii or 3, but it is {self.describe(pfields['label'][1])}",
                )
                ok = False
                continue
            if isinstance(label, str) and label in seen:
                self.problem(
                    pfields["label"][1],
                    f"{what}: label '{label}' is used twice (first on line {seen[label]})",
                )
                ok = False
                continue
            if isinstance(label, str) and isinstance(text, str):
                seen[label] = _line(pfields["label"][1])
                parts.append(Part(label, text))
            else:
                ok = False
        if ok and len(parts) < 2:
            self.problem(fields["parts"][1], f"{what}: list at least two parts to count")
            ok = False
        if isinstance(at_least, int) and ok and not 1 <= at_least <= len(parts):
            self.problem(
                fields["at_least"][1],
                f"{what}: 'at_least' must be between 1 and the {len(parts)} parts listed, "
                f"but it is {at_least}",
            )
            at_least = _INVALID
        if ok and isinstance(at_least, int):
            return Parts(at_least, tuple(parts))
        return _INVALID

    def partial(self, node: yaml.Node, where: str) -> Any:
        what = f"{where}: 'partial'"
        fields = self.mapping(node, what)
        if fields is None:
            return _INVALID
        self.keys(fields, node, what, ("text", "credit"), ("text",))
        text = self.text(fields, "text", what)
        credit = self.number(fields, "credit", what)
        if credit is None:
            credit = DEFAULT_PARTIAL_CREDIT
        elif isinstance(credit, int | float) and not 0 < credit < 1:
            self.problem(
                fields["credit"][1],
                f"{what}: 'credit' must be more than 0 and less than 1 (a partly met criterion "
                f"counts for part of a met one), but it is {_fmt_number(credit)}",
            )
            credit = _INVALID
        if isinstance(text, str) and isinstance(credit, int | float):
            return Partial(text, credit)
        return _INVALID

    def routine_data(self, node: yaml.Node, where: str) -> Any:
        what = f"{where}: 'routine_data'"
        fields = self.mapping(node, what)
        if fields is None:
            return _INVALID
        self.keys(fields, node, what, _ROUTINE_KEYS, _ROUTINE_KEYS)
        measure = self.text(fields, "measure", what)
        unit = self.text(fields, "unit", what)
        if isinstance(unit, str) and unit not in UNITS:
            self.problem(
                fields["unit"][1],
                f"{what}: unit '{unit}' is not known; use one of {_quote_list(UNITS)}",
            )
            unit = _INVALID
        comparison = self.text(fields, "comparison", what)
        if isinstance(comparison, str) and comparison not in COMPARISONS:
            self.problem(
                fields["comparison"][1],
                f"{what}: comparison '{comparison}' is not known; use one of "
                f"{_quote_list(COMPARISONS)} (in quotes)",
            )
            comparison = _INVALID
        threshold = self.number(fields, "threshold", what)
        if isinstance(threshold, int | float):
            if threshold < 0:
                self.problem(fields["threshold"][1], f"{what}: 'threshold' cannot be negative")
                threshold = _INVALID
            elif unit == "percent" and threshold > 100:
                self.problem(
                    fields["threshold"][1],
                    f"{what}: a percentage threshold must be between 0 and 100, "
                    f"not {_fmt_number(threshold)}",
                )
                threshold = _INVALID
        if all(isinstance(v, str) for v in (measure, unit, comparison)) and isinstance(
            threshold, int | float
        ):
            return RoutineData(measure, unit, comparison, threshold)
        return _INVALID

    def check_stricter(
        self,
        where: str,
        letter_nodes: dict[str, yaml.Node],
        stricter_nodes: dict[str, yaml.Node],
        criteria: list[Criterion],
    ) -> bool:
        ok = True
        targets: dict[str, str] = {}
        for letter, node in stricter_nodes.items():
            target = self.value(node)
            if letter == target:
                self.problem(node, f"{where}: criterion '{letter}' cannot be stricter than itself")
                ok = False
            elif target not in letter_nodes:
                known = _quote_list(sorted(letter_nodes)) or "none"
                self.problem(
                    node,
                    f"{where}: criterion '{letter}' is said to be stricter than criterion "
                    f"'{target}', but this item has no criterion '{target}' "
                    f"(its letters are {known})",
                )
                ok = False
            elif not letter.startswith("#"):
                targets[letter] = target
        # A loop (b stricter than c, c stricter than b) would make each imply the other.
        reported: set[str] = set()
        for start in targets:
            seen = [start]
            current = start
            while current in targets:
                current = targets[current]
                if current in seen:
                    loop = seen[seen.index(current) :]
                    if not reported.intersection(loop):
                        reported.update(loop)
                        chain = " -> ".join([*loop, current])
                        self.problem(
                            stricter_nodes[start],
                            f"{where}: the 'stricter_than' links go round in a circle "
                            f"({chain}); a criterion cannot be both stricter and weaker than "
                            "another",
                        )
                    ok = False
                    break
                seen.append(current)
        return ok

    def rule(
        self, node: yaml.Node, where: str, criteria: tuple[Criterion, ...] | None
    ) -> Rule | None:
        what = f"{where}: 'rule'"
        fields = self.mapping(node, what)
        if fields is None:
            return None
        kind = self.text(fields, "kind", what)
        if "kind" not in fields:
            self.keys(fields, node, what, ("kind", "thresholds", "anchors"), ("kind",))
            return None
        if not isinstance(kind, str):
            return None
        if kind == "count":
            self.keys(fields, node, what, ("kind", "thresholds", "counts", "requires"), ("kind",))
            if ("thresholds" in fields) == ("counts" in fields):
                self.problem(
                    node,
                    f"{what}: a 'count' rule needs either 'thresholds' (the least count for each "
                    "score) or 'counts' (the counts each score covers), and not both",
                )
                return None
            if "counts" in fields:
                rule = self.counts_rule(fields["counts"][1], where, criteria)
            else:
                rule = self.count_rule(fields["thresholds"][1], where, criteria)
            if "requires" not in fields:
                return rule
            requires = self.requires(fields["requires"][1], where, criteria, rule)
            if rule is None or requires is None:
                return None
            return Rule("count", thresholds=rule.thresholds, counts=rule.counts, requires=requires)
        if kind == "anchors":
            self.keys(fields, node, what, ("kind", "anchors"), ("kind", "anchors"))
            if "anchors" not in fields:
                return None
            return self.anchor_rule(fields["anchors"][1], where)
        self.problem(
            fields["kind"][1],
            f"{where}: rule kind '{kind}' is not known; use 'count' or 'anchors'",
        )
        return None

    def level_keyed(
        self, node: yaml.Node, what: str
    ) -> list[tuple[int, yaml.Node, yaml.Node]] | None:
        """Entries of a ``score: value`` mapping whose keys must be levels of the scale."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                f"{what} should be a set of 'score: value' lines, but it is {self.describe(node)}",
            )
            return None
        entries: list[tuple[int, yaml.Node, yaml.Node]] = []
        seen: dict[int, int] = {}
        ok = True
        levels = self.level_values
        for key_node, value_node in node.value:
            key = self.value(key_node) if isinstance(key_node, yaml.ScalarNode) else _INVALID
            if not isinstance(key, int) or isinstance(key, bool):
                self.problem(
                    key_node,
                    f"{what}: '{getattr(key_node, 'value', '?')}' is not a "
                    "score; each line must start with a level of the scale, such as 5",
                )
                ok = False
                continue
            if key in seen:
                self.problem(
                    key_node, f"{what}: score {key} appears twice (first on line {seen[key]})"
                )
                ok = False
                continue
            seen[key] = _line(key_node)
            if levels is not None and key not in levels:
                self.problem(
                    key_node,
                    f"{what}: score {key} is not a level of this scale (its levels run from "
                    f"{levels[0]} to {levels[-1]})",
                )
                ok = False
                continue
            entries.append((key, key_node, value_node))
        return entries if ok else None

    def count_rule(
        self, node: yaml.Node, where: str, criteria: tuple[Criterion, ...] | None
    ) -> Rule | None:
        what = f"{where}: 'thresholds'"
        entries = self.level_keyed(node, what)
        if entries is None:
            return None
        if not entries:
            self.problem(node, f"{what} is empty; give the minimum count for each score")
            return None
        thresholds: dict[int, float] = {}
        nodes: dict[int, yaml.Node] = {}
        ok = True
        for score, key_node, value_node in entries:
            minimum = self.number_node(value_node, f"{what}: the minimum for score {score}")
            if isinstance(minimum, int | float):
                if minimum < 0:
                    self.problem(
                        value_node, f"{what}: the minimum for score {score} cannot be negative"
                    )
                    ok = False
                    continue
                thresholds[score] = minimum
                nodes[score] = key_node
            else:
                ok = False
        if not ok:
            return None
        if criteria is not None and not criteria:
            self.problem(
                node,
                f"{where}: a 'count' rule needs at least one criterion to count; add 'criteria' "
                "or use an 'anchors' rule",
            )
            return None
        ordered = sorted(thresholds)
        lowest = ordered[0]
        if thresholds[lowest] != 0:
            self.problem(
                nodes[lowest],
                f"{where}: the lowest score in the rule ({lowest}) must have minimum 0, so that "
                f"every count gets a score, but it has {_fmt_number(thresholds[lowest])}",
            )
            ok = False
        for below, above in itertools.pairwise(ordered):
            if thresholds[above] <= thresholds[below]:
                self.problem(
                    nodes[above],
                    f"{where}: minimums must rise with the score, but score {above} needs "
                    f"{_fmt_number(thresholds[above])} and score {below} already needs "
                    f"{_fmt_number(thresholds[below])}",
                )
                ok = False
        n = len(criteria) if criteria is not None else self.criteria_listed
        if n is None:
            return None
        for score in ordered:
            if thresholds[score] > n:
                self.problem(
                    nodes[score],
                    f"{where}: score {score} needs {_fmt_number(thresholds[score])} criteria "
                    f"met, but the item has only {n} criteria, so no count can reach it",
                )
                ok = False
        if criteria is None:
            return None
        if ok:
            counts = achievable_counts(criteria)
            for position, score in enumerate(ordered):
                low = thresholds[score]
                high = (
                    thresholds[ordered[position + 1]] if position + 1 < len(ordered) else math.inf
                )
                if not any(low <= c < high for c in counts):
                    self.problem(
                        nodes[score],
                        f"{where}: score {score} can never be given: no possible count of met "
                        f"criteria is at least {_fmt_number(low)} and below {_fmt_number(high)}",
                    )
                    ok = False
        return Rule("count", thresholds=thresholds) if ok else None

    def counts_rule(
        self, node: yaml.Node, where: str, criteria: tuple[Criterion, ...] | None
    ) -> Rule | None:
        """``counts``: each score's counts as a published band prints them (``6``, ``"4-5"``);
        every count the criteria can add up to must get exactly one score."""
        what = f"{where}: 'counts'"
        entries = self.level_keyed(node, what)
        if entries is None:
            return None
        if not entries:
            self.problem(node, f"{what} is empty; give the counts for each score")
            return None
        counts: dict[int, tuple[float, float]] = {}
        nodes: dict[int, yaml.Node] = {}
        ok = True
        for score, key_node, value_node in entries:
            value = self.value(value_node)
            found = _parse_range(value) if value is not _INVALID else None
            if found is None or found[0] < 0 or found[1] < found[0]:
                if value is not _INVALID:
                    self.problem(
                        value_node,
                        f"{what}: the counts for score {score} must be one count such as 6 or a "
                        f'range such as "4-5" (lowest first), but they are '
                        f"{self.describe(value_node)}",
                    )
                ok = False
                continue
            counts[score] = found
            nodes[score] = key_node
        if not ok:
            return None
        if criteria is not None and not criteria:
            self.problem(
                node,
                f"{where}: a 'count' rule needs at least one criterion to count; add 'criteria' "
                "or use an 'anchors' rule",
            )
            return None
        ordered = sorted(counts)
        for below, above in itertools.pairwise(ordered):
            if counts[above][0] <= counts[below][1]:
                self.problem(
                    nodes[above],
                    f"{where}: counts must rise with the score without overlapping, but score "
                    f"{above} covers {_fmt_number(counts[above][0])} and score {below} already "
                    f"covers up to {_fmt_number(counts[below][1])}",
                )
                ok = False
        n = len(criteria) if criteria is not None else self.criteria_listed
        if n is None or not ok:
            return None
        for score in ordered:
            if counts[score][1] > n:
                self.problem(
                    nodes[score],
                    f"{where}: score {score} covers {_fmt_number(counts[score][1])} criteria "
                    f"met, but the item counts only {n} criteria",
                )
                ok = False
        if criteria is None or not ok:
            return None
        possible = achievable_counts(criteria)
        gaps = [c for c in possible if not any(low <= c <= high for low, high in counts.values())]
        if gaps:
            listed = " and ".join(_fmt_number(float(c)) for c in gaps)
            word = "count" if len(gaps) == 1 else "counts"
            self.problem(
                node,
                f"{where}: no score is given for {listed} criteria met; a published band may "
                f"skip a count, but every count needs a score: add the {word} to the score "
                f'they should get (for example 4: "4-5")',
            )
            return None
        thresholds = {score: counts[score][0] for score in ordered}
        # The lowest count that can occur is 0: the lowest score starts there.
        thresholds[ordered[0]] = 0
        for score in ordered:
            if not any(counts[score][0] <= c <= counts[score][1] for c in possible):
                self.problem(
                    nodes[score],
                    f"{where}: score {score} can never be given: no possible count of met "
                    f"criteria is in its counts",
                )
                ok = False
        return Rule("count", thresholds=thresholds, counts=counts) if ok else None

    def requires(
        self,
        node: yaml.Node,
        where: str,
        criteria: tuple[Criterion, ...] | None,
        rule: Rule | None,
    ) -> dict[int, tuple[str, ...]] | None:
        what = f"{where}: 'requires'"
        entries = self.level_keyed(node, what)
        if entries is None:
            return None
        letters = {c.letter for c in criteria} if criteria is not None else None
        requires: dict[int, tuple[str, ...]] = {}
        ok = True
        for score, key_node, value_node in entries:
            if rule is not None and score not in (rule.thresholds or {}):
                self.problem(key_node, f"{what}: score {score} is not one of the rule's scores")
                ok = False
                continue
            if rule is not None and score == min(rule.thresholds or {0: 0}):
                self.problem(
                    key_node,
                    f"{what}: the lowest score ({score}) cannot need a criterion; every item "
                    "must be able to get it",
                )
                ok = False
                continue
            named = self.sequence(value_node, f"{what}: score {score}")
            if named is None:
                ok = False
                continue
            found: list[str] = []
            for entry in named:
                value = self.value(entry) if isinstance(entry, yaml.ScalarNode) else _INVALID
                if letters is not None and value not in letters:
                    self.problem(
                        entry,
                        f"{what}: score {score} needs criterion '{getattr(entry, 'value', '?')}'"
                        f", but the item's counted criteria are {_quote_list(sorted(letters))}",
                    )
                    ok = False
                    continue
                if isinstance(value, str) and value not in found:
                    found.append(value)
            if not found and ok:
                self.problem(value_node, f"{what}: score {score} names no criterion")
                ok = False
            requires[score] = tuple(found)
        return requires if ok else None

    def anchor_rule(self, node: yaml.Node, where: str) -> Rule | None:
        what = f"{where}: 'anchors'"
        entries = self.level_keyed(node, what)
        if entries is None:
            return None
        anchors: dict[int, str] = {}
        ok = True
        for score, _, value_node in entries:
            text = self.value(value_node)
            if isinstance(text, str) and text.strip():
                anchors[score] = text
            elif text is not _INVALID:
                self.problem(
                    value_node,
                    f"{what}: the description for score {score} must be text, but it is "
                    f"{self.describe(value_node)}",
                )
                ok = False
        if self.level_values is not None:
            missing = [v for v in self.level_values if v not in {e[0] for e in entries}]
            if missing:
                scores = " and ".join(str(v) for v in missing)
                self.problem(
                    node,
                    f"{where}: the anchors give no description for score "
                    f"{scores}; every level needs one",
                )
                ok = False
        return Rule("anchors", anchors=anchors) if ok else None

    def mapping_block(
        self, node: yaml.Node, version: Any, sections: tuple[Section, ...] | None
    ) -> Mapping | None:
        where = "mapping"
        fields = self.mapping(node, "'mapping'")
        if fields is None:
            return None
        self.keys(fields, node, where, ("from_version", "items"), ("from_version", "items"))
        from_version = self.text(fields, "from_version", where)
        if from_version is _INVALID and "from_version" in fields:
            value = self.value(fields["from_version"][1])
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.problems[-1] = Problem(
                    self.filename,
                    _line(fields["from_version"][1]),
                    f"{where}: 'from_version' must be text; write it in quotes, for example "
                    f'from_version: "{fields["from_version"][1].value}"',
                )
        if isinstance(from_version, str) and from_version == version:
            self.problem(
                fields["from_version"][1],
                f"{where}: 'from_version' is this scale's own version ({version}); it must name "
                "the earlier version the items are mapped from",
            )
            from_version = _INVALID
        if "items" not in fields:
            return None
        items_node = fields["items"][1]
        if not isinstance(items_node, yaml.MappingNode):
            self.problem(
                items_node,
                f"{where}: 'items' should be a set of 'item: earlier item' lines, but it is "
                f"{self.describe(items_node)}",
            )
            return None
        items: dict[int, int | None] = {}
        known = {item.number for s in sections for item in s.items} if sections else None
        ok = True
        for key_node, value_node in items_node.value:
            key = self.value(key_node) if isinstance(key_node, yaml.ScalarNode) else _INVALID
            if not isinstance(key, int) or isinstance(key, bool):
                self.problem(
                    key_node, f"{where}: '{getattr(key_node, 'value', '?')}' is not an item number"
                )
                ok = False
                continue
            if key in items:
                self.problem(key_node, f"{where}: item {key} is mapped twice")
                ok = False
                continue
            if known is not None and key not in known:
                self.problem(key_node, f"{where}: this scale has no item {key}")
                ok = False
                continue
            earlier = self.value(value_node)
            if earlier is None:
                items[key] = None
            elif isinstance(earlier, int) and not isinstance(earlier, bool) and earlier >= 1:
                items[key] = earlier
            else:
                if earlier is not _INVALID:
                    self.problem(
                        value_node,
                        f"{where}: item {key} must map to an earlier item number, or to null for "
                        f"a new item, but it maps to {self.describe(value_node)}",
                    )
                ok = False
        if known is not None and ok:
            missing = sorted(known - set(items))
            if missing:
                self.problem(
                    items_node,
                    f"{where}: every item must be listed; give the earlier item number, or null "
                    f"if it is new, for item {_quote_list(missing)}",
                )
                ok = False
        if ok and isinstance(from_version, str):
            return Mapping(from_version, items)
        return None


def parse_scale(text: str, filename: str = "<string>") -> Scale:
    """Read and validate a scale file's text.

    Raises :class:`ScaleFileError` listing every problem found (sorted by line) unless the whole
    file is valid.
    """
    reader = _Reader(filename)
    scale = reader.read(text)
    if reader.problems or scale is None:
        problems = sorted(reader.problems, key=lambda p: p.line)
        if not problems:
            problems = [Problem(filename, 1, "the file could not be read as a scale")]
        raise ScaleFileError(problems)
    return scale


def load_scale_file(path: str | os.PathLike[str]) -> Scale:
    """Read, validate and return the scale in a UTF-8 file (see :func:`parse_scale`)."""
    filename = os.fspath(path)
    with open(filename, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScaleFileError(
            [Problem(filename, line, "the file is not UTF-8 text; save it as UTF-8")]
        ) from exc
    return parse_scale(text, filename)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


class _FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written on one line: ``{value: 1, label: Not in place}``."""


class _FlowList(list):  # type: ignore[type-arg]
    """A list written on one line: ``[CN, MG]``."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        # Equal strings or dicts must be written out in full, not as &anchor/*alias pairs.
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as in the specification's examples.
        super().increase_indent(flow, False)


# Text this simple is safe to fold over several lines and read back unchanged.
_FOLDABLE_RE = re.compile(r"^[^\s](?:[^\s]| (?! ))*[^\s]$")
_FOLD_AFTER = 80
_AWKWARD = ("\r", "\x85", "\u2028", "\u2029", "\ufeff", "\t")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None
    if any(ch in data for ch in _AWKWARD) or not data.replace("\n", "").isprintable():
        # Other line breaks and control characters only survive as escapes in double quotes.
        style = '"'
    elif "\n" in data:
        style = "|"
    elif len(data) > _FOLD_AFTER and _FOLDABLE_RE.match(data) and data.isprintable():
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowMap, _represent_flow_map)
_Dumper.add_representer(_FlowList, _represent_flow_list)


def _layout(data: dict[str, Any]) -> dict[str, Any]:
    """Mark the parts of ``Scale.to_dict()`` that read best on one line."""
    out = dict(data)
    out["levels"] = [_FlowMap(level) for level in data["levels"]]
    out["bands"] = [_FlowMap(band) for band in data["bands"]]
    out["sources"] = [_FlowMap(source) for source in data["sources"]]
    sections = []
    for section in data["sections"]:
        section = dict(section)
        items = []
        for item in section["items"]:
            item = dict(item)
            if "sources" in item:
                item["sources"] = _FlowList(item["sources"])
            if "precondition" in item:
                item["precondition"] = _FlowMap(item["precondition"])
            if "criteria" in item:
                criteria = []
                for criterion in item["criteria"]:
                    criterion = dict(criterion)
                    if "sources" in criterion:
                        criterion["sources"] = _FlowList(criterion["sources"])
                    if "parts" in criterion:
                        parts = dict(criterion["parts"])
                        parts["parts"] = [_FlowMap(part) for part in parts["parts"]]
                        criterion["parts"] = parts
                    criteria.append(criterion)
                item["criteria"] = criteria
            rule = dict(item["rule"])
            for key in ("thresholds", "counts"):
                if key in rule:
                    rule[key] = _FlowMap(rule[key])
            if "requires" in rule:
                rule["requires"] = _FlowMap(
                    {score: _FlowList(letters) for score, letters in rule["requires"].items()}
                )
            item["rule"] = rule
            items.append(item)
        section["items"] = items
        sections.append(section)
    out["sections"] = sections
    if "mapping" in data:
        mapping = dict(data["mapping"])
        mapping["items"] = _FlowMap(mapping["items"])
        out["mapping"] = mapping
    return out


def dump_scale(scale: Scale) -> str:
    """The scale as ``fidelis-scale/1`` YAML text that :func:`parse_scale` reads back equal."""
    body = yaml.dump(
        _layout(scale.to_dict()),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    title = f"{scale.name}, version {scale.version}"
    if not title.isprintable():
        title = scale.slug
    return f"# {title} (Fidelis scale file, {FORMAT})\n{body}"
