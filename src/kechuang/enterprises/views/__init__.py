"""Enterprise pages, one module per page group; each contributes its own urlpatterns.

registry (企业名录, export, 画像) and upload (uploads list) are generic scoped views
(kechuang.web.generic); ladder, pools and selfcheck read their rows through kechuang.access.
"""
