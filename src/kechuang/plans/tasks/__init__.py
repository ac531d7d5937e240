"""Key tasks: the board, a task and its progress reports, evidence, the department scorecard."""
