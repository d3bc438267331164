"""The demo's job fair: a dozen employers of every kind with their postings (some public-welfare
posts), and job seekers who came, applied and got answers, all made through the fair's
services and the core's check-in and action services, as on a real morning."""

import datetime as dt
import itertools
import uuid
from collections.abc import Sequence

from eventdesk.activities.jobfair import employers
from eventdesk.activities.jobfair.vocabulary import HIRED, INTENTION, INTERVIEWED, NOT_SUITABLE
from eventdesk.core.actions import ActionRequest, record_action
from eventdesk.core.models import Activity, RegistrationSource
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import judge_scans
from eventdesk.core.services import registrations

#: name, kind, contact, phone, stand number, and postings: (title, positions, public-welfare,
#: pay from, pay to, education, place of work, requirements).
EMPLOYERS = (
    ("市城市管理执法局", "government", "马建军", "0919-3152101", "A01", (
        ("城市管理协管员", 10, True, 1800, 2200, "junior_high", "王益区各街道", "55周岁以下，服从排班"),
        ("公厕管理员", 4, True, 1600, 1800, "primary", "新区各公厕", "吃苦耐劳，就近安排"),
    )),
    ("王益区黄堡镇人民政府", "government", "杨晓东", "0919-3152102", "A02", (
        ("乡村保洁员", 8, True, 1200, 1500, None, "黄堡镇各行政村", "本镇建档立卡贫困劳动力优先"),
        ("生态护林员", 6, True, 1000, 1200, None, "黄堡镇林区", "熟悉山林情况，能骑摩托车者优先"),
    )),
    ("市人民医院", "public_institution", "周丽", "0919-3152103", "A03", (
        ("护工", 6, False, 3000, 4000, "junior_high", "市人民医院住院部", "有陪护经验者优先，提供岗前培训"),
        ("保洁员", 5, False, 2200, 2600, None, "市人民医院", "身体健康，责任心强"),
        ("食堂帮厨", 3, False, 2500, 3000, None, "市人民医院职工食堂", "持健康证或入职后办理"),
    )),
    ("市社会福利院", "public_institution", "郭敏", "0919-3152104", "A04", (
        ("养老护理员", 8, False, 2800, 3500, "junior_high", "市社会福利院", "有耐心，可考护理员证"),
    )),
    ("市城市建设投资集团有限公司", "state_owned", "刘志刚", "0919-3152105", "B01", (
        ("道路养护工", 10, False, 3200, 3800, "junior_high", "全市城区道路", "60周岁以下，能户外作业"),
        ("园林绿化工", 8, False, 2800, 3300, None, "新区各公园", "有种植经验者优先"),
    )),
    ("市公共交通集团有限公司", "state_owned", "何涛", "0919-3152106", "B02", (
        ("公交车驾驶员", 5, False, 5000, 6500, "senior_high", "市公交各线路", "A3驾照，驾龄三年以上"),
        ("公交站务员", 4, False, 2600, 3000, "junior_high", "市公交总站", "会使用智能手机"),
    )),
    ("金泰现代农业发展有限公司", "private", "王金泰", "13991900107", "C01", (
        ("果园管理工", 15, False, 2800, 3600, None, "耀州区石柱镇苹果园", "会修剪、施肥者优先，包午餐"),
        ("大棚种植技术员", 3, False, 3500, 4500, "vocational", "现代农业园区", "会操作水肥一体化设备"),
    )),
    ("宏达新型建材有限公司", "private", "陈宏达", "13991900108", "C02", (
        ("生产线操作工", 20, False, 4000, 5200, "junior_high", "王益区工业园", "两班倒，包吃住，五险一金"),
        ("叉车司机", 2, False, 4500, 5500, "junior_high", "王益区工业园", "持叉车证"),
    )),
    ("瑞丰家政服务有限公司", "private", "李瑞丰", "13991900109", "C03", (
        ("家政服务员", 12, False, 3000, 4500, None, "市区", "免费岗前培训，可住家或钟点"),
        ("育婴员", 6, False, 4000, 6000, "junior_high", "市区", "有育儿经验，持育婴员证者优先"),
    )),
    ("顺达物流有限公司", "private", "赵顺", "13991900110", "C04", (
        ("快递分拣员", 10, False, 3500, 4200, None, "新区物流园", "夜班补贴，计件工资"),
        ("快递配送员", 8, False, 4500, 6000, "junior_high", "王益区、新区", "会骑电动车，熟悉城区道路"),
    )),
    ("市慈善协会", "social_organization", "孙慧芳", "0919-3152111", "D01", (
        ("社区助老服务员", 6, True, 1800, 2200, "junior_high", "新区各社区", "为独居老人上门服务，有爱心"),
    )),
    ("阳光社会工作服务中心", "social_organization", "吴静", "0919-3152112", "D02", (
        ("社工助理", 2, False, 3000, 3600, "college", "新区社会工作服务站", "社会工作等相关专业，会办公软件"),
    )),
)  # fmt: skip

#: education, skills, jobs wanted, registered poor labourer; each seeker takes the next one.
PROFILES = (
    ("junior_high", "驾驶、修理农机", "道路养护、司机", True),
    ("primary", "种地、养猪", "保洁、护林", True),
    ("senior_high", "驾驶（A3驾照）", "公交车驾驶员", False),
    ("junior_high", "做饭、照顾老人", "护工、养老护理", True),
    ("vocational", "大棚种植", "种植技术员", False),
    ("junior_high", "电焊、搬运", "生产线操作工、叉车", True),
    (None, "家务", "家政服务", True),
    ("college", "办公软件、写材料", "社工、文员", False),
    ("junior_high", "骑电动车", "快递配送员、分拣", False),
    ("primary", "扫地、看门", "保洁、公厕管理", True),
    ("junior_high", "带孩子", "育婴员、家政", True),
    ("senior_high", "电脑、手机", "站务员、协管员", False),
)
SEEKERS = 24
#: Of the seekers, this many came to the fair (the others registered but stayed away).
SEEKERS_PRESENT = 20
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫"
GIVEN_NAMES = ("德胜", "秀兰", "建华", "凤英", "小军", "春燕", "长林", "翠花", "志伟", "玉兰", "国栋", "桂芳")
#: What came of each seeker's applications, in turn: every status appears, some none yet.
STORIES = (
    (INTERVIEWED, INTENTION, HIRED),
    (INTERVIEWED,),
    (INTENTION,),
    (),
    (INTERVIEWED, NOT_SUITABLE),
    (HIRED,),
    (INTERVIEWED, INTENTION),
    (),
)


def load_demo(activities: Sequence[Activity], context) -> None:
    for activity in activities:
        _fair(activity, context)


def _fair(activity: Activity, context) -> None:
    stands = []
    for name, kind, contact, phone, stand, postings in EMPLOYERS:
        employer = employers.create_employer(
            activity,
            employers.EmployerInput(
                name=name, kind=kind, contact_name=contact, contact_phone=phone, stand_number=stand
            ),
        )
        made = [
            employers.create_posting(
                employer,
                employers.PostingInput(
                    title=title,
                    positions=positions,
                    public_welfare=welfare,
                    pay_min=pay_min,
                    pay_max=pay_max,
                    education=education,
                    workplace=workplace,
                    requirements=requirements,
                ),
            )
            for title, positions, welfare, pay_min, pay_max, education, workplace, requirements in postings
        ]
        stands.append((employer, made))

    seekers = [_register(activity, number) for number in range(SEEKERS)]
    noon = context.until
    # Each seeker who came applies at two stands, one after the other.
    visits = []
    for number, seeker in enumerate(seekers[:SEEKERS_PRESENT]):
        for step in range(2):
            employer, postings = stands[(number * 5 + step * 7) % len(stands)]
            offset = dt.timedelta(minutes=6 * number + 20 * step)
            visits.append((seeker, employer, postings[(number + step) % len(postings)], offset))
    judge_scans(
        borrowed_connection(),
        ActivityInfo.of(activity),
        context.scanner,
        [
            ScanRequest(
                client_scan_id=str(uuid.uuid4()),
                registration_id=seeker.id,
                booth_id=employer.booth_id,
                scanned_at=context.at(offset),
            )
            for seeker, employer, _posting, offset in visits
        ],
        channel="manual",
        now=noon,
    )
    stories = itertools.cycle(STORIES)
    for seeker, employer, posting, offset in visits:
        application_id = _record(
            activity,
            context,
            noon,
            "apply",
            employer,
            context.at(offset),
            registration_id=seeker.id,
            posting_id=posting.id,
        )["application_id"]
        for later, status in enumerate(next(stories), start=1):
            _record(
                activity,
                context,
                noon,
                "outcome",
                employer,
                context.at(offset + dt.timedelta(minutes=15 * later)),
                application_id=application_id,
                status=status,
            )


def _register(activity: Activity, number: int):
    education, skills, wanted, poor = PROFILES[number % len(PROFILES)]
    fields = {"skills": skills, "wanted_jobs": wanted, "poor_labourer": poor}
    if education:
        fields["education"] = education
    if number % 3 == 0:
        fields["available_from"] = (activity.day + dt.timedelta(days=7 + number)).isoformat()
    return registrations.register(
        activity,
        registrations.RegistrationRequest(
            name=SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[(number * 5) % len(GIVEN_NAMES)],
            phone=f"1990001{number:04d}",
            village=("黄堡镇", "红土镇", "孙塬镇")[number % 3],
            consent=True,
            fields=fields,
        ),
        source=RegistrationSource.staff,
    )


def _record(activity, context, now, name, employer, moment, *, registration_id=None, **fields) -> dict:
    request = ActionRequest(
        client_action_id=str(uuid.uuid4()),
        booth_id=employer.booth_id,
        registration_id=registration_id,
        fields={key: str(value) if key.endswith("_id") else value for key, value in fields.items()},
        recorded_at=moment,
    )
    return record_action(activity, name, request, scanner=context.scanner, now=now).answer()
