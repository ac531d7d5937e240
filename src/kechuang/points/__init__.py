"""Innovation points (创新积分制): versioned points models; the scoring is kechuang.engine.points."""
