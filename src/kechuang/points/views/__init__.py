"""创新积分 pages: the home (runs, counts, distribution; 计算积分 for the bureau), the model, the ranking
lists with their export and the enterprise portrait (精准画像). Thin: rows from kechuang.access, the
figures from kechuang.points.portrait."""
