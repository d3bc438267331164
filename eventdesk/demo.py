"""The demo: the city's 扶贫日 as its activity plan describes it, held on any day you like.

The first `load_demo` creates the demo event (its districts, sites, departments, five
activities with their booths, and staff logins), through the same setup services the
organizer pages use. Later runs move the demo event and its activities to the day asked for,
keeping their local opening hours, so that scanning works on that day, and its story with
them (`eventdesk.demo_story`); they never create or remove anything.
"""

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from eventdesk.core import audit
from eventdesk.core.kinds import all_kinds
from eventdesk.core.models import (
    Activity,
    Booth,
    Department,
    District,
    Event,
    RegistrationSource,
    Role,
    ScanKind,
    Site,
    utcnow,
)
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo, Scanner
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import judge_scans
from eventdesk.core.services import activities, registrations, setup, tally, users
from eventdesk.demo_story import StoryClock, move_story, plan_offset, shift_plan, story_clock
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.plan.services import load_plan

TIMEZONE = "Asia/Shanghai"
EVENT_NAME = "2026年扶贫日"
EVENT_NAME_EN = "Poverty Alleviation Day 2026"

#: code, name, English name; listed in this order.
DISTRICTS = (
    ("xinqu", "新区管委会", "New District Administrative Committee"),
    ("wangyi", "王益区", "Wangyi District"),
    ("yaozhou", "耀州区", "Yaozhou District"),
)

#: code, name, English name; listed in this order.
DEPARTMENTS = (
    ("poverty-office", "市脱贫攻坚办", "City Poverty Alleviation Office"),
    ("new-district", "市新区管委会", "New District Administrative Committee"),
    ("party-office", "市委办", "General Office of the City Party Committee"),
    ("publicity", "市委宣传部", "Publicity Department of the City Party Committee"),
    ("poverty-bureau", "市扶贫局", "City Poverty Alleviation Bureau"),
    ("agriculture", "市农业局", "City Agriculture Bureau"),
    ("land", "市国土局", "City Land and Resources Bureau"),
    ("hrss", "市人社局", "City Human Resources and Social Security Bureau"),
    ("health", "市卫计局", "City Health and Family Planning Commission"),
    ("development", "市发改委", "City Development and Reform Commission"),
    ("commerce", "市商务局", "City Commerce Bureau"),
    ("finance", "市金融办", "City Financial Affairs Office"),
    ("housing", "市住建局", "City Housing and Urban-Rural Development Bureau"),
)

#: key → district code, name, English name, address, English address.
SITES = {
    "square": (
        "xinqu",
        "新区阳光广场",
        "Sunshine Square, New District",
        "新区长虹北路中段",
        "Middle section of Changhong North Road, New District",
    ),
    "huangbao": (
        "wangyi",
        "黄堡镇集镇广场",
        "Huangbao Town Square",
        "王益区黄堡镇中心街",
        "Central Street, Huangbao Town, Wangyi District",
    ),
    "labour-market": (
        "wangyi",
        "市人力资源市场",
        "City Human Resources Market",
        "王益区红旗街",
        "Hongqi Street, Wangyi District",
    ),
    "clinic": (
        "yaozhou",
        "孙塬镇孙塬村卫生室",
        "Sunyuan Village Clinic",
        "耀州区孙塬镇孙塬村村委会旁",
        "Next to the village committee, Sunyuan Village, Sunyuan Town, Yaozhou District",
    ),
    "estate": (
        "yaozhou",
        "石柱镇幸福家园安置小区",
        "Xingfu Jiayuan Resettlement Estate",
        "耀州区石柱镇幸福路",
        "Xingfu Road, Shizhu Town, Yaozhou District",
    ),
}


@dataclasses.dataclass(frozen=True)
class DemoActivity:
    kind: str
    name: str
    name_en: str
    site: str
    lead: str
    cooperators: tuple[str, ...]
    registration_open: bool
    capacity: int | None
    description: str
    description_en: str
    #: name, English name, department code or None (an employer's stand).
    booths: tuple[tuple[str, str, str | None], ...]


ACTIVITIES = (
    DemoActivity(
        kind="consultation",
        name="扶贫日政策宣传咨询活动（阳光广场）",
        name_en="Policy consultation fair, Sunshine Square",
        site="square",
        lead="poverty-office",
        cooperators=(
            "new-district",
            "publicity",
            "poverty-bureau",
            "agriculture",
            "land",
            "hrss",
            "health",
            "development",
            "commerce",
            "finance",
            "housing",
        ),
        registration_open=True,
        capacity=None,
        description=(
            "各部门分设咨询台，现场解读产业、就业、健康、搬迁、金融等扶贫政策，发放政策明白卡，"
            "登记群众反映的问题并跟踪答复。"
        ),
        description_en=(
            "Each department has its own desk: they explain the support for farming, jobs, health, "
            "relocation and loans, hand out policy cards, and take down questions to answer later."
        ),
        booths=(
            ("综合政策咨询台", "General policy desk", "poverty-office"),
            ("新区脱贫攻坚成果展", "New District achievements", "new-district"),
            ("脱贫攻坚典型事迹展", "Stories from the campaign", "publicity"),
            ("扶贫政策咨询台", "Poverty alleviation policy desk", "poverty-bureau"),
            ("产业扶贫咨询台", "Farming and industry support", "agriculture"),
            ("易地扶贫搬迁咨询台", "Relocation programme", "land"),
            ("就业扶贫咨询台", "Employment support", "hrss"),
            ("健康扶贫咨询台", "Health support", "health"),
            ("东西部扶贫协作咨询台", "East–west cooperation", "development"),
            ("电商扶贫咨询台", "E-commerce support", "commerce"),
            ("金融扶贫咨询台", "Microcredit and insurance", "finance"),
            ("危房改造咨询台", "Housing renovation", "housing"),
        ),
    ),
    DemoActivity(
        kind="consultation",
        name="黄堡镇精准脱贫政策宣传咨询活动",
        name_en="Policy consultation, Huangbao Town",
        site="huangbao",
        lead="poverty-bureau",
        cooperators=("agriculture", "hrss", "health"),
        registration_open=True,
        capacity=None,
        description="镇村干部与市级部门联合设点，向赶集群众宣讲精准脱贫政策，登记群众诉求。",
        description_en=(
            "Town and village officials and city departments explain the poverty-relief policies to "
            "market-day visitors and take down their requests."
        ),
        booths=(
            ("镇扶贫工作站咨询台", "Township poverty alleviation desk", None),
            ("产业扶贫咨询台", "Farming and industry support", "agriculture"),
            ("就业创业咨询台", "Jobs and self-employment", "hrss"),
            ("健康扶贫咨询台", "Health support", "health"),
        ),
    ),
    DemoActivity(
        kind="jobfair",
        name="就业扶贫专场招聘会",
        name_en="Job fair for low-income job seekers",
        site="labour-market",
        lead="hrss",
        cooperators=("poverty-bureau",),
        registration_open=True,
        capacity=500,
        description=(
            "面向有劳动能力和就业意愿的贫困群众，提供公益性岗位和企业岗位，现场登记求职意向，请携带身份证件。"
        ),
        description_en=(
            "Public-welfare posts and company jobs for low-income people able and willing to work; "
            "job wishes are taken down on the spot. Please bring your ID card."
        ),
        # The employers' stands come with the employers (the job fair's own demo data).
        booths=(("贫困劳动力求职登记台", "Job seekers' registration desk", "poverty-bureau"),),
    ),
    DemoActivity(
        kind="health",
        name="孙塬村健康扶贫义诊活动",
        name_en="Health service day, Sunyuan Village",
        site="clinic",
        lead="health",
        cooperators=("poverty-bureau",),
        registration_open=True,
        capacity=200,
        description="医疗卫生人员和家庭签约医生进村服务，提供体格检查、义务诊疗、健康知识讲座和疾病预防培训。",
        description_en=(
            "Health workers and family doctors come to the village: physical examinations, a free "
            "clinic, health talks and disease-prevention training."
        ),
        booths=(
            ("体格检查", "Physical examination", "health"),
            ("义务诊疗", "Free clinic", "health"),
            ("健康教育", "Health education", "health"),
            ("疾病预防培训", "Disease-prevention training", "health"),
        ),
    ),
    DemoActivity(
        kind="handover",
        name="贫困户安全住房集中交钥匙仪式",
        name_en="Key handover, Xingfu Jiayuan",
        site="estate",
        lead="land",
        cooperators=("housing", "poverty-bureau"),
        registration_open=False,
        capacity=None,
        description="为易地扶贫搬迁户和危房改造户集中交付新居钥匙。请户主携带身份证件，代领须持委托书。",
        description_en=(
            "Keys to their new homes for relocated households and households whose homes were "
            "renovated. Heads of household bring their ID card; a proxy brings a signed authorisation."
        ),
        booths=(
            ("1号楼交钥匙台", "Building 1 handover desk", "land"),
            ("2号楼交钥匙台", "Building 2 handover desk", "land"),
            ("3号楼交钥匙台", "Building 3 handover desk", "land"),
            ("危房改造户交钥匙台", "Renovated homes handover desk", "housing"),
        ),
    ),
)


@dataclasses.dataclass(frozen=True)
class DemoLogin:
    """A demo staff account; its password is published in the README, so it is a demo only."""

    email: str
    password: str
    role: str
    name: str
    #: ("district", code), ("department", code), ("booth", activity name, booth name), or None.
    scope: tuple[str, ...] | None = None

    def describe_scope(self) -> str:
        if self.scope is None:
            return "everything" if self.role == Role.admin else "city-wide"
        if self.scope[0] == "booth":
            return f"booth {self.scope[2]} at {self.scope[1]}"
        return f"{self.scope[0]} {self.scope[1]}"


LOGINS = (
    DemoLogin("admin@demo.example", "demo-admin-2026", Role.admin, "系统管理员"),
    DemoLogin("organizer@demo.example", "demo-organizer-2026", Role.organizer, "赵建国"),
    DemoLogin("wangyi@demo.example", "demo-wangyi-2026", Role.organizer, "李秀兰", ("district", "wangyi")),
    DemoLogin("hrss@demo.example", "demo-hrss-2026", Role.staff, "张伟", ("department", "hrss")),
    DemoLogin(
        "booth@demo.example",
        "demo-booth-2026",
        Role.staff,
        "刘芳",
        ("booth", "孙塬村健康扶贫义诊活动", "体格检查"),
    ),
)


@dataclasses.dataclass
class DemoResult:
    """What a run did: ``created``, ``moved`` or ``unchanged``, and the logins to print."""

    event: Event
    outcome: str
    #: Demo logins that no longer work as printed (password changed, deactivated or removed since).
    unusable_logins: list[str]


#: People per activity in the demo, and what their made-up names are built from.
VISITORS_PER_ACTIVITY = 12
#: The "device" the demo's scans and actions are recorded by.
DEMO_DEVICE = "演示数据"
DEMO_SURNAMES = "王李张刘陈杨赵黄周吴徐孙"
DEMO_GIVEN_NAMES = [
    "秀英",
    "建国",
    "桂兰",
    "志强",
    "玉梅",
    "海涛",
    "春花",
    "永福",
    "丽娟",
    "国庆",
    "淑珍",
    "红军",
    "小燕",
]
DEMO_VILLAGES = ["黄堡镇", "红土镇", "孙塬镇"]


@dataclasses.dataclass(frozen=True)
class DemoContext:
    """What a kind's demo data is made with (`ActivityKind.demo`)."""

    event: Event
    #: Departments by their demo code (``hrss``, ``health`` …).
    departments: dict[str, Department]
    #: When the demo's story happens (a morning of the demo's day, in the past on the present day).
    clock: StoryClock
    #: Who the demo's scans and actions are recorded by.
    scanner: Scanner

    def at(self, offset: dt.timedelta) -> dt.datetime:
        """The moment `offset` into the demo's morning (at most three hours)."""
        return self.clock.at(offset)

    @property
    def until(self) -> dt.datetime:
        """When the story ends: the time its scans and actions are judged at."""
        return self.clock.end


def today() -> dt.date:
    """Today in the demo's time zone."""
    return utcnow().astimezone(ZoneInfo(TIMEZONE)).date()


def load_demo(day: dt.date, force: bool = False) -> DemoResult:
    """Create the demo event on `day`, or move the existing one there; the caller commits.

    :raises ServiceError: ``demo_in_production``; ``demo_needs_force`` when the database holds
        events that are not the demo and `force` is not given.
    """
    if current_app.config["EVENTDESK_ENV"] == "production":
        raise ServiceError("demo_in_production", status=403)
    day = setup.clean_day(day, "date")
    other_event = db.session.scalar(sa.select(Event.id).where(Event.is_demo.is_(False)).limit(1))
    if other_event is not None and not force:
        raise ServiceError("demo_needs_force", status=409)
    event = db.session.scalar(sa.select(Event).where(Event.is_demo.is_(True)).order_by(Event.id).limit(1))
    created_logins = set()
    if event is None:
        event, created_logins = _create(day)
        outcome = "created"
    else:
        outcome = "moved" if _move(event, day) else "unchanged"
    unusable = [
        login.email for login in LOGINS if login.email not in created_logins and not _still_usable(login)
    ]
    return DemoResult(event=event, outcome=outcome, unusable_logins=unusable)


def _still_usable(login: DemoLogin) -> bool:
    """Whether a login made earlier (or by someone else) still signs in as printed."""
    user = users.find_user(login.email)
    return user is not None and user.active and check_password_hash(user.password_hash, login.password)


def _shift(moment: dt.datetime, days: dt.timedelta, zone: ZoneInfo) -> dt.datetime:
    """The same local wall-clock time, `days` later."""
    wall = moment.astimezone(zone).replace(tzinfo=None) + days
    return wall.replace(tzinfo=zone).astimezone(dt.UTC)


def _move(event: Event, day: dt.date) -> bool:
    """Move the demo event, and its activities with it, so that it starts on `day`."""
    offset = day - event.starts_on
    if not offset:
        return False
    # Event and activities move together, so the rule that activities lie within their
    # event's dates holds before and after; the update services would each see it broken.
    for activity in db.session.scalars(sa.select(Activity).where(Activity.event_id == event.id)):
        old_day = activity.day
        activity.opens_at = _shift(activity.opens_at, offset, event.zone)
        activity.closes_at = _shift(activity.closes_at, offset, event.zone)
        tally.follow_activity_day(activity, old_day)
    moved_from = event.starts_on
    event.starts_on += offset
    event.ends_on += offset
    db.session.flush()
    shift_plan(event, offset)
    move_story(event, story_clock(day, event.zone, utcnow()))
    audit.record("event.demo_moved", event, moved_from=moved_from.isoformat(), moved_to=day.isoformat())
    return True


def _create(day: dt.date) -> tuple[Event, set[str]]:
    """Create the demo event; returns it and the e-mails of the logins made now."""
    districts = {}
    for order, (code, name, name_en) in enumerate(DISTRICTS, start=1):
        districts[code] = db.session.scalar(
            sa.select(District).where(District.code == code)
        ) or setup.create_district(code=code, name=name, name_en=name_en, sort_order=order * 10)
    departments = {}
    for order, (code, name, name_en) in enumerate(DEPARTMENTS, start=1):
        departments[code] = db.session.scalar(
            sa.select(Department).where(Department.code == code)
        ) or setup.create_department(code=code, name=name, name_en=name_en, sort_order=order * 10)
    sites = {}
    for key, (district_code, name, name_en, address, address_en) in SITES.items():
        district = districts[district_code]
        sites[key] = db.session.scalar(
            sa.select(Site).where(Site.district_id == district.id, Site.name == name)
        ) or setup.create_site(
            district_id=district.id, name=name, name_en=name_en, address=address, address_en=address_en
        )

    event = setup.create_event(
        name=EVENT_NAME, name_en=EVENT_NAME_EN, timezone=TIMEZONE, starts_on=day, ends_on=day, is_demo=True
    )
    opens_at, closes_at = setup.day_bounds(day, day, TIMEZONE)
    booths = {}
    for spec in ACTIVITIES:
        activity = activities.create_activity(
            event_id=event.id,
            kind=spec.kind,
            name=spec.name,
            name_en=spec.name_en,
            site_id=sites[spec.site].id,
            lead_department_id=departments[spec.lead].id,
            cooperator_ids=[departments[code].id for code in spec.cooperators],
            opens_at=opens_at,
            closes_at=closes_at,
            capacity=spec.capacity,
            registration_open=spec.registration_open,
            description=spec.description,
            description_en=spec.description_en,
        )
        for order, (name, name_en, department_code) in enumerate(spec.booths, start=1):
            booths[(spec.name, name)] = activities.create_booth(
                activity,
                name=name,
                name_en=name_en,
                department_id=departments[department_code].id if department_code else None,
                sort_order=order * 10,
            )

    load_plan(event)
    shift_plan(event, plan_offset(day))
    clock = story_clock(day, event.zone, utcnow())
    _visitors(event, booths, clock)
    _kinds_demo(event, departments, clock)

    created_logins = set()
    for login in LOGINS:
        if users.find_user(login.email) is None:
            created_logins.add(login.email)
            users.create_user(
                login.email,
                name=login.name,
                role=login.role,
                password=login.password,
                scopes=_scopes(login, districts, departments, booths),
            )
    return event, created_logins


def _visitors(event: Event, booths: dict, clock: StoryClock) -> None:
    """Registrations, check-ins, booth visits and walk-ins, so that the counts, the dashboard
    and the reports show something from the first minute. Made through the same services
    as real ones; the phone numbers are in a made-up range."""
    scanner = Scanner(label=DEMO_DEVICE)
    for index, activity in enumerate(
        db.session.scalars(sa.select(Activity).where(Activity.event_id == event.id).order_by(Activity.id))
    ):
        info = ActivityInfo.of(activity)
        tickets = []
        for number in range(VISITORS_PER_ACTIVITY):
            serial = index * 100 + number
            name = (
                DEMO_SURNAMES[serial % len(DEMO_SURNAMES)] + DEMO_GIVEN_NAMES[serial % len(DEMO_GIVEN_NAMES)]
            )
            tickets.append(
                registrations.register(
                    activity,
                    registrations.RegistrationRequest(
                        name=name,
                        phone=f"1990000{serial:04d}",
                        village=DEMO_VILLAGES[serial % 3],
                        consent=True,
                    ),
                    source=RegistrationSource.staff,
                )
            )
        activity_booths = [
            booth for (activity_name, _), booth in booths.items() if activity_name == activity.name
        ]
        requests = [
            ScanRequest(
                client_scan_id=str(uuid.uuid4()),
                registration_id=ticket.id,
                scanned_at=clock.at(dt.timedelta(minutes=7 * number)),
            )
            for number, ticket in enumerate(tickets[: VISITORS_PER_ACTIVITY * 2 // 3])
        ]
        requests += [
            ScanRequest(
                client_scan_id=str(uuid.uuid4()),
                registration_id=ticket.id,
                booth_id=booth.id,
                scanned_at=clock.at(dt.timedelta(hours=1, minutes=9 * number)),
            )
            for number, (ticket, booth) in enumerate(
                zip(tickets[::2], activity_booths * VISITORS_PER_ACTIVITY, strict=False)
            )
        ]
        requests.append(
            ScanRequest(
                client_scan_id=str(uuid.uuid4()),
                kind=ScanKind.walkin,
                headcount=3 + index,
                scanned_at=clock.at(dt.timedelta(minutes=40)),
            )
        )
        judge_scans(borrowed_connection(), info, scanner, requests, channel="manual", now=clock.end)


def _kinds_demo(event: Event, departments: dict[str, Department], clock: StoryClock) -> None:
    """Each kind fills its demo activities through its own services (employers, households …)."""
    context = DemoContext(
        event=event,
        departments=departments,
        clock=clock,
        scanner=Scanner(label=DEMO_DEVICE),
    )
    by_kind: dict[str, list[Activity]] = {}
    for activity in db.session.scalars(
        sa.select(Activity).where(Activity.event_id == event.id).order_by(Activity.id)
    ):
        by_kind.setdefault(activity.kind, []).append(activity)
    for kind in all_kinds():
        if kind.demo is not None and kind.name in by_kind:
            kind.demo(by_kind[kind.name], context)


def _scopes(login: DemoLogin, districts: dict, departments: dict, booths: dict) -> users.Scopes:
    if login.scope is None:
        return users.Scopes()
    kind, *key = login.scope
    if kind == "district":
        return users.Scopes(district_ids=(districts[key[0]].id,))
    if kind == "department":
        return users.Scopes(department_ids=(departments[key[0]].id,))
    booth: Booth = booths[tuple(key)]
    return users.Scopes(booth_ids=(booth.id,))


def describe(result: DemoResult) -> list[str]:
    """The lines the command prints: what happened, then the logins."""
    event = result.event
    booth_count = db.session.scalar(
        sa.select(sa.func.count(Booth.id)).join(Activity).where(Activity.event_id == event.id)
    )
    activity_count = db.session.scalar(
        sa.select(sa.func.count(Activity.id)).where(Activity.event_id == event.id)
    )
    lines = [
        f"demo event {event.name} (#{event.id}) {result.outcome}: {event.starts_on.isoformat()}, "
        f"{event.timezone}, {activity_count} activities, {booth_count} booths",
        "",
        "Staff sign-in (/login), demo passwords:",
        f"  {'e-mail':<26} {'password':<22} {'role':<10} scope",
    ]
    for login in LOGINS:
        note = "  (changed since: does not work as shown)" if login.email in result.unusable_logins else ""
        lines.append(
            f"  {login.email:<26} {login.password:<22} {login.role:<10} {login.describe_scope()}{note}"
        )
    return lines
