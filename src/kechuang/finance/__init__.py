"""科技金融: credit products as data, consent (授权) per enterprise and bank, applications and loan
outcomes, the validation report (产业验证) and recalibration. See docs/decisions/0011-finance-app.md."""
