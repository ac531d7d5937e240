"""科技金融 services: products, consent, applications, validation; the points behind them (scores)."""
