"""Two configurations side by side, line against line: what the finding and resource pages show
(the baseline against the current version, or any two versions of a resource). Both sides are
pretty-printed with sorted keys, so only real differences are marked."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    tag: str  # equal | replace | delete | insert | skip (unchanged lines folded away)
    left_no: int | None
    left: str
    right_no: int | None
    right: str


def lines_of(config: Any) -> list[str]:
    if config is None:
        return []
    return json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()


def side_by_side(before: Any, after: Any, context: int = 3) -> list[Row]:
    """Rows for a two-column table. Runs of unchanged lines longer than 2*context are folded
    into one "skip" row saying how many lines it hides."""
    a, b = lines_of(before), lines_of(after)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            n = i2 - i1
            if n > 2 * context + 1 and context >= 0:
                keep = [(i1 + k, j1 + k) for k in range(context)] if rows else []
                rows += [Row("equal", i + 1, a[i], j + 1, b[j]) for i, j in keep]
                hidden = n - len(keep) - (context if i2 < len(a) or j2 < len(b) else 0)
                rows.append(Row("skip", None, f"{hidden} unchanged lines", None, ""))
                if i2 < len(a) or j2 < len(b):
                    rows += [Row("equal", i2 - context + k + 1, a[i2 - context + k], j2 - context + k + 1,
                                 b[j2 - context + k]) for k in range(context)]
            else:
                rows += [Row("equal", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k]) for k in range(n)]
            continue
        left, right = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(left), len(right))):
            i = left[k] if k < len(left) else None
            j = right[k] if k < len(right) else None
            row_tag = tag if tag != "replace" else ("replace" if i is not None and j is not None
                                                    else "delete" if j is None else "insert")
            rows.append(Row(row_tag, None if i is None else i + 1, "" if i is None else a[i],
                            None if j is None else j + 1, "" if j is None else b[j]))
    return rows
