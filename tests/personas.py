"""The named personas of the permission tests: name → (role, organisation code)."""

PERSONAS = {
    # name: (role, org code)
    "admin": ("city_admin", "441900"),
    "bureau": ("bureau_staff", "kjj"),
    "reporter": ("dept_reporter", "tjj"),
    "songshanhu": ("town_admin", "441900401"),
    "humen": ("town_admin", "441900121"),
    "enterprise": ("enterprise_user", "ent_demo"),
    "bank": ("bank_user", "bank_icbc_dg"),
    "university": ("university_user", "univ_dgut"),
    "leader": ("leader", "441900"),
    "operator": ("carrier_operator", "car_persona"),  # 载体运营方 of a 松山湖 incubator
    "individual": ("individual", "441900"),  # 个人申报者 (人才分类评价)
}
ENTERPRISE_CREDIT_CODE = "91441900MA4UJ4XB3W"  # the persona's own enterprise (valid GB 32100 check character)
