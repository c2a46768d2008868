"""The catalog: look concepts up, search their words, and walk the "builds on" graph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from thirdroad.concepts._load import DATA_DIR, _close_matches, load_dir
from thirdroad.concepts._model import Concept, Edge, Template
from thirdroad.errors import ThirdroadError


class UnknownConceptError(ThirdroadError, KeyError):
    """No concept has this id; the message suggests the closest ids."""

    def __str__(self) -> str:
        return str(self.args[0])


class NoPathError(ThirdroadError, ValueError):
    """The second concept does not build on the first, not even indirectly."""


@dataclass(frozen=True)
class ConceptPath:
    """How ``target`` is reached from ``source`` along "builds on" edges.

    All routes are kept, not only one: from ``ema`` to ``adam`` there are two (through momentum
    and through RMSProp), and Adam needs both. ``steps`` are in an order where each step's source
    is explained before it is used.
    """

    source: str
    target: str
    steps: tuple[Edge, ...]

    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts on the path, each after everything it builds on."""
        order = [self.source] if self.steps else []
        for step in self.steps:
            if step.target not in order:
                order.append(step.target)
        return tuple(order)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Edge]:
        return iter(self.steps)

    def by_target(self) -> list[tuple[str, tuple[Edge, ...]]]:
        """The steps grouped by the concept they lead to: ``[("adam", (from momentum, from
        RMSProp, ...)), ...]``, for saying "both lead to Adam" in one breath."""
        groups: dict[str, list[Edge]] = {}
        for step in self.steps:
            groups.setdefault(step.target, []).append(step)
        return [(target, tuple(edges)) for target, edges in groups.items()]

    def __str__(self) -> str:
        return "\n".join(str(step) for step in self.steps)


def _as_id(text: str) -> str:
    """``Leaky ReLU`` and ``leaky-relu`` as the id would write them: ``leaky_relu``."""
    return re.sub(r"[\s\-]+", "_", text.strip()).lower()


class Catalog:
    """All concepts, by id. ``catalog["adam"]``, ``"adam" in catalog``, ``for c in catalog``."""

    def __init__(self, concepts: dict[str, Concept], titles: dict[str, str]) -> None:
        self._concepts = concepts
        self.titles: dict[str, str] = titles
        self._children: dict[str, list[Edge]] = {cid: [] for cid in concepts}
        for concept in concepts.values():
            for edge in concept.builds_on:
                self._children[edge.source].append(edge)

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> Catalog:
        return cls(*load_dir(directory))

    # -- lookup ---------------------------------------------------------------------------
    def __getitem__(self, cid: str) -> Concept:
        try:
            return self._concepts[cid]
        except KeyError:
            raise UnknownConceptError(self._unknown(cid)) from None

    def _unknown(self, cid: str) -> str:
        close = self._named(cid) or _close_matches(_as_id(cid), self._concepts, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"no concept {cid!r}{hint}"

    def _named(self, text: str) -> list[str]:
        """The ids of the concepts whose name or an alias is ``text`` (in any case)."""
        words = _as_id(text).replace("_", " ")
        return [c.id for c in self._concepts.values()
                if words in (_as_id(a).replace("_", " ") for a in (*c.aliases, c.name))]

    def find(self, text: str) -> Concept:
        """The concept ``text`` names: its id in any case, with spaces or hyphens for the
        underscores (``Adam``, ``Leaky ReLU``), or the name or an alias of exactly one concept;
        else UnknownConceptError, which suggests the closest ids."""
        if (cid := _as_id(text)) in self._concepts:
            return self._concepts[cid]
        if len(named := self._named(text)) == 1:
            return self._concepts[named[0]]
        raise UnknownConceptError(self._unknown(text))

    def get(self, cid: str) -> Concept | None:
        return self._concepts.get(cid)

    def __contains__(self, cid: object) -> bool:
        return cid in self._concepts

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts.values())

    def __len__(self) -> int:
        return len(self._concepts)

    def ids(self) -> list[str]:
        return list(self._concepts)

    @property
    def families(self) -> list[str]:
        return list(self.titles)

    def family(self, name: str) -> list[Concept]:
        """The concepts of one family, in the order of its data file."""
        if name not in self.titles:
            close = _close_matches(name, self.families, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise KeyError(f"no family {name!r}{hint} (families: {', '.join(self.families)})")
        return [c for c in self._concepts.values() if c.family == name]

    def templates(self) -> Iterator[Template]:
        """Every formula template of every concept (what a recognizer matches against)."""
        for concept in self._concepts.values():
            yield from concept.formulas

    def by_reference(self, name: str) -> list[Template]:
        """Every template computed by the reference ``name``, across concepts.

        A chunk that matches one of them is an instance of all their concepts at once: the
        momentum velocity ``\\beta v + (1-\\beta) dW`` is computed by ``ema``, so it is both an
        ``ema`` and part of ``sgd_momentum``.
        """
        return [t for t in self.templates() if t.reference == name]

    def search(self, query: str) -> list[Concept]:
        """Concepts whose words mention all the words of ``query``, best first.

        A hit in the id, name or aliases weighs more than one in the summary, which weighs more
        than one in the action and the rest.
        """
        words = [w for w in re.findall(r"[a-z0-9]+", query.lower()) if w]
        if not words:
            return []
        scored = []
        for concept in self._concepts.values():
            fields = (
                (4.0, " ".join((concept.id.replace("_", " "), concept.name, *concept.aliases))),
                (2.0, concept.summary),
                (1.0, " ".join((concept.action, *concept.conventions, *concept.pitfalls,
                                *(t.says for t in concept.formulas),
                                *(e.how for e in concept.builds_on)))),
            )
            score = 0.0
            for word in words:
                hits = [weight for weight, text in fields if word in text.lower()]
                if not hits:
                    break
                score += max(hits)
            else:
                phrase = " ".join(words)
                score += sum(weight for weight, text in fields if phrase in text.lower())
                scored.append((-score, concept.id, concept))
        return [c for _, _, c in sorted(scored, key=lambda item: item[:2])]

    # -- the graph ------------------------------------------------------------------------
    def children(self, cid: str) -> list[Edge]:
        """Edges to the concepts that build directly on ``cid``."""
        self[cid]
        return list(self._children[cid])

    def ancestors(self, cid: str) -> set[str]:
        """Everything ``cid`` builds on, directly or not."""
        seen: set[str] = set()
        todo = list(self[cid].prerequisites)
        while todo:
            pre = todo.pop()
            if pre not in seen:
                seen.add(pre)
                todo.extend(self._concepts[pre].prerequisites)
        return seen

    def roots(self, cid: str) -> list[str]:
        """The concepts at the bottom of ``cid``'s ancestry (those that build on nothing)."""
        found = {a for a in self.ancestors(cid) if not self._concepts[a].builds_on}
        return [c for c in self._concepts if c in found]

    def path(self, source: str, target: str) -> ConceptPath:
        """Every "builds on" step from ``source`` up to ``target``, with its words."""
        self[source]
        self[target]
        if source == target:
            return ConceptPath(source, target, ())
        below_target = self.ancestors(target) | {target}
        if source not in below_target:
            reverse = source in self.ancestors(target) or target in self.ancestors(source)
            hint = f" (it is the other way round: {source!r} builds on {target!r})" if reverse \
                else ""
            raise NoPathError(f"{target!r} does not build on {source!r}{hint}")
        on_path = {c for c in below_target if c == source or source in self.ancestors(c)}
        return ConceptPath(source, target, self._edges_within(on_path))

    def lineage(self, cid: str) -> ConceptPath:
        """All steps from the roots up to ``cid`` (what a card shows under "how it is built")."""
        members = self.ancestors(cid) | {cid}
        roots = self.roots(cid)
        return ConceptPath(roots[0] if roots else cid, cid, self._edges_within(members))

    def _edges_within(self, members: set[str]) -> tuple[Edge, ...]:
        order = self._topological(members)
        rank = {cid: i for i, cid in enumerate(order)}
        edges = [edge for cid in order for edge in self._concepts[cid].builds_on
                 if edge.source in members]
        return tuple(sorted(edges, key=lambda e: (rank[e.target], rank[e.source])))

    def _topological(self, members: set[str]) -> list[str]:
        """``members`` with every concept after those it builds on; ties in catalog order."""
        order: list[str] = []
        placed: set[str] = set()

        def place(cid: str) -> None:
            if cid in placed:
                return
            placed.add(cid)
            for pre in self._concepts[cid].prerequisites:
                if pre in members:
                    place(pre)
            order.append(cid)

        for cid in self._concepts:
            if cid in members:
                place(cid)
        return order
