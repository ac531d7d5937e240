"""Major science and technology projects (重大科技项目): pure computations, no Django.

ranking: the review's ranking contract (conflict exclusion, trimmed mean, competition ranking with a
tolerance, funding line within a budget) and the reader of its CSV inputs.
"""

from kechuang.engine.projects.ranking import (
    TOLERANCE,
    RankingInputError,
    rank_applications,
    read_rank_inputs,
)

__all__ = ["TOLERANCE", "RankingInputError", "rank_applications", "read_rank_inputs"]
