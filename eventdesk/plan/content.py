"""The city's 扶贫日 activity plan as data: its eight items and the reporting deadlines.

Departments are named by the codes the organizer pages and the demo use; a department
missing from the database is found by its name, or created (see `services.load_plan`).
Dates are (month, day) in the event's year.
"""

from dataclasses import dataclass

#: Activity plans (活动方案) of departments and districts are due on this day …
PLAN_DUE = (10, 9)
#: … and the written report of the day (书面报送) on this one.
REPORT_DUE = (10, 17)

#: code, name, English name.
DEPARTMENTS = {
    "poverty-office": ("市脱贫攻坚办", "City Poverty Alleviation Office"),
    "new-district": ("市新区管委会", "New District Administrative Committee"),
    "party-office": ("市委办", "General Office of the City Party Committee"),
    "publicity": ("市委宣传部", "Publicity Department of the City Party Committee"),
    "poverty-bureau": ("市扶贫局", "City Poverty Alleviation Bureau"),
    "agriculture": ("市农业局", "City Agriculture Bureau"),
    "land": ("市国土局", "City Land and Resources Bureau"),
    "hrss": ("市人社局", "City Human Resources and Social Security Bureau"),
    "health": ("市卫计局", "City Health and Family Planning Commission"),
    "development": ("市发改委", "City Development and Reform Commission"),
    "commerce": ("市商务局", "City Commerce Bureau"),
    "finance": ("市金融办", "City Financial Affairs Office"),
    "housing": ("市住建局", "City Housing and Urban-Rural Development Bureau"),
}


@dataclass(frozen=True)
class ItemSpec:
    number: int
    name: str
    name_en: str
    summary: str
    summary_en: str
    due: tuple[int, int]
    starts: tuple[int, int] | None = None
    leads: tuple[str, ...] = ()
    cooperators: tuple[str, ...] = ()
    lead_note: tuple[str, str] | None = None
    cooperator_note: tuple[str, str] | None = None
    #: The activity kind whose activities carry it out on site.
    kind: str | None = None


ITEMS = (
    ItemSpec(
        1,
        "走访座谈",
        "Village visits and discussions",
        "帮扶干部在扶贫日前后进村入户、召开座谈会，了解帮扶措施、搬迁进展、政策落实、"
        "退出差距和群众发展需求，发现问题对标整改。",
        "Officials of the assisting departments visit villages and households around the day and hold "
        "discussions on support measures, relocation, policies, exit gaps and families' needs, then put "
        "right what they find.",
        due=(10, 17),
        lead_note=("各级帮扶部门和单位", "Assisting departments and units at every level"),
    ),
    ItemSpec(
        2,
        "新闻发布会",
        "Press conference",
        "10月中旬召开全市脱贫攻坚新闻发布会，介绍今年举措和成效；各配合部门分别发布产业、搬迁、"
        "就业、健康、东西部协作、电商、金融扶贫的进展。",
        "A city press conference in mid-October on this year's measures and results; each cooperating "
        "department presents its field (industry, relocation, jobs, health, east–west cooperation, "
        "e-commerce, finance).",
        starts=(10, 11),
        due=(10, 20),
        leads=("publicity", "poverty-bureau"),
        cooperators=("agriculture", "land", "hrss", "health", "development", "commerce", "finance"),
    ),
    ItemSpec(
        3,
        "重要署名文章",
        "Signed article",
        "扶贫日前夕，市委主要领导在本地日报发表一篇脱贫攻坚署名文章。",
        "On the eve of the day, the city's leader publishes a signed article on the campaign in the local "
        "daily.",
        due=(10, 16),
        leads=("party-office", "publicity", "poverty-bureau"),
    ),
    ItemSpec(
        4,
        "集中宣传",
        "Publicity week",
        "10月10日至16日在报纸、广播电视、政府网站和微信公众号集中宣传典型和经验；"
        "10月17日刊发扶贫日背景资料和工作综述。",
        "From 10 to 16 October, newspapers, radio and television, the city's website and its WeChat "
        "account present examples and good practice; on 17 October, background on the day and a review "
        "of the work.",
        starts=(10, 10),
        due=(10, 17),
        leads=("publicity", "poverty-bureau"),
        cooperator_note=("市级相关部门", "Other city departments concerned"),
    ),
    ItemSpec(
        5,
        "政策宣传咨询",
        "Policy consultation fairs",
        "扶贫日前各有关乡镇开展一次政策宣传咨询；10月17日在新区阳光广场设宣传台、发放资料、"
        "展示成果，各区县同步开展主题活动。",
        "Before the day, each township concerned holds a consultation; on 17 October, desks, leaflets and "
        "displays on Sunshine Square in the New District, with events in every district at the same time.",
        due=(10, 17),
        leads=("poverty-office",),
        cooperators=("new-district",),
        cooperator_note=("市级相关单位", "Other city units concerned"),
        kind="consultation",
    ),
    ItemSpec(
        6,
        "健康服务",
        "Health service",
        "医疗卫生人员、专家和签约医生进村开展健康扶贫政策宣传、健康教育、疾病预防培训、义务诊疗和体格检查。",
        "Health workers, specialists and contracted family doctors go to villages to explain health "
        "support, teach, train in disease prevention, and give free consultations and check-ups.",
        due=(10, 17),
        leads=("health",),
        cooperators=("poverty-bureau",),
        kind="health",
    ),
    ItemSpec(
        7,
        "集中交钥匙",
        "Key handover",
        "组织各区县搬迁和危房改造机构，集中为贫困户交付安全住房钥匙，同时开工一批配套产业项目。",
        "The districts' relocation and renovation offices hand over the keys of safe homes to poor "
        "households together, and start related industry projects.",
        due=(10, 17),
        leads=("land",),
        cooperators=("housing", "poverty-bureau"),
        kind="handover",
    ),
    ItemSpec(
        8,
        "就业扶贫招聘会",
        "Job fair",
        "为有劳动能力的贫困群众举办专场招聘会：党政事业单位和群团组织提供新增公益岗位，"
        "国有企业和民营企业提供就业岗位。",
        "A job fair for poor people able to work: government bodies, public institutions and mass "
        "organizations offer new public-welfare posts; state-owned and private firms offer jobs.",
        due=(10, 16),
        leads=("hrss",),
        cooperators=("poverty-bureau",),
        kind="jobfair",
    ),
)
