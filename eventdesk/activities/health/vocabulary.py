"""The health service day's fixed words: its name, and the services a new day starts with."""

#: The kind's name (`Activity.kind`).
KIND_NAME = "health"

#: What the plan's health service day offers (健康服务): code, Chinese name, English name. A new
#: day's organizers start from these and may change them.
PLAN_SERVICES = (
    ("exam", "体格检查", "Physical examination"),
    ("clinic", "义务诊疗", "Free clinic"),
    ("education", "健康教育", "Health education"),
    ("prevention", "疾病预防培训", "Disease-prevention training"),
    ("policy", "健康政策宣传", "Health-policy publicity"),
    ("medicine", "药品发放", "Medicine hand-out"),
)
