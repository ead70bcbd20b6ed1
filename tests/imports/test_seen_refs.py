"""SeenRefs finds, for each reference, the first line of an earlier batch that had it."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from rentbook.imports.transactions import SeenRefs

refs = st.lists(st.sampled_from("ABCDEFGH"), max_size=8)
#: a batch's references are each there once (the import drops repeats within a batch first)
batch = st.lists(st.sampled_from("ABCDEFGH"), max_size=8, unique=True)


@given(
    batches=st.lists(batch, max_size=5),
    probe=refs,
    look_between=st.booleans(),
    # always a pass over the batches, as usual, never (always sorted)
    scan_ratio=st.sampled_from([0, SeenRefs.SCAN_RATIO, 10**9]),
)
def test_earlier_lines_are_the_first_lines_that_had_each_reference(
    batches, probe, look_between, scan_ratio
):
    seen = SeenRefs()
    seen.SCAN_RATIO = scan_ratio
    first: dict[str, int] = {}
    line = 2
    for batch in batches:
        hashes = SeenRefs.hash(_series(batch)).to_numpy()
        lines = np.arange(line, line + len(batch), dtype=np.int64)
        seen.add(hashes, lines)
        for ref, at in zip(batch, lines, strict=True):
            first.setdefault(ref, int(at))
        line += len(batch)
        if look_between:  # looking sorts the batches so far; later ones are added unsorted
            seen.earlier_lines(SeenRefs.hash(_series(probe)).to_numpy())
    found = seen.earlier_lines(SeenRefs.hash(_series(probe)).to_numpy())
    assert found.tolist() == [first.get(ref, 0) for ref in probe]


def _series(values: list[str]) -> pl.Series:

    return pl.Series(values, dtype=pl.String)
