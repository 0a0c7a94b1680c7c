"""The benchmarks' part of the demo programme and of `fidelis seed`: the figures worked
out once the reviews are in."""

from fidelis.benchmarks.actions import refresh
from fidelis.bulk import Build


def build(build: Build) -> None:
    refresh(programme=build.programme)
