"""A health service day walked through as its people would: the organizers set up the day's services
and three stations; residents of two villages come from an imported village list, from their phones
and from the desk; they take queue numbers, the providers call them and record services (one with a
referral), a mistake is undone; the tally, the dashboard, the written report and the lists exact
at each step."""

from collections import Counter

import pytest
import sqlalchemy as sa

from eventdesk.activities.health.models import Service, ServiceGiven
from eventdesk.core.models import Person, Registration
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.spreadsheets import write_csv

VILLAGE_LIST = [
    ("姓名", "手机号", "村", "同意记录健康服务"),
    ("马桂兰", "13800000001", "孙塬村", "是"),
    ("杨德福", "13800000002", "孙塬村", "是"),
    ("高秀珍", "13800000003", "南古村", "否"),
]
STATIONS = {
    "一号服务站": ("exam",),
    "二号服务站": ("clinic", "medicine"),
    "三号服务站": ("education", "policy"),
}
FIGURES = (
    "registered",
    "checked_in",
    "residents_served",
    "services",
    "referrals",
    "queue_numbers",
    "queue_called",
)


class Walk:
    def __init__(self, app, run_cli, tmp_path):
        self.app, self.run_cli, self.tmp_path = app, run_cli, tmp_path
        with app.app_context():
            activity = factories.activity(kind="health", registration_open=True)
            self.booths = {}
            for order, name in enumerate(STATIONS, start=1):
                booth = factories.booth(activity, name=name)
                booth.sort_order = order
                self.booths[name] = booth.id
            organizer = factories.user("organizer")
            self.providers = {
                name: factories.user("staff", scopes=[{"booth_id": booth_id}]).email
                for name, booth_id in self.booths.items()
            }
            self.activity, self.day = activity.id, activity.day
            self.organizer_email = organizer.email
            self.scanner = Api(app, factories.scanner_token(activity, label="入口志愿者"))
            db.session.commit()
        self.expected = dict.fromkeys(FIGURES, 0)

    def figures(self) -> dict:
        """The day's figures as the tally holds them; and the fed tally equals its rebuild."""
        with self.app.app_context():
            stored = tally_service.stored()
            assert stored == tally_service.facts()
        totals = Counter()
        for (_day, activity_id, _booth, metric), value in stored.items():
            if activity_id == self.activity:
                totals[metric] += value
        return {name: totals[name] for name in FIGURES}

    def check(self, **changes):
        self.expected.update(changes)
        assert self.figures() == self.expected

    def station(self, name: str) -> str:
        return f"/manage/activities/{self.activity}/health/stations/{self.booths[name]}"

    def provider(self, name: str) -> Client:
        client = Client(self.app)
        client.login(self.providers[name])
        return client

    def resident(self, name: str) -> tuple[int, str]:
        with self.app.app_context():
            return db.session.execute(
                sa.select(Registration.id, Registration.token)
                .join(Person)
                .where(Registration.activity_id == self.activity, Person.name == name)
            ).one()


def serve(client: Client, walk: Walk, station: str, resident: str, service: str, **extra):
    registration_id, _token = walk.resident(resident)
    page = f"{walk.station(station)}?registration={registration_id}"
    return client.post_form(
        f"{walk.station(station)}/serve?registration={registration_id}",
        {"client_action_id": new_id(), "service": service, **extra},
        form_url=page,
    )


@pytest.fixture
def walk(app, run_cli, tmp_path):
    return Walk(app, run_cli, tmp_path)


def test_a_health_day_morning(app, walk):
    # 1. The organizer starts from the plan's six services and says what each station offers.
    organizer = Client(app)
    organizer.login(walk.organizer_email)
    base = f"/manage/activities/{walk.activity}/health"
    assert organizer.post_form(f"{base}/services/from-plan", {}, form_url=base).status_code == 302
    with app.app_context():
        services = dict(db.session.execute(sa.select(Service.code, Service.id)).all())
    assert len(services) == 6
    for station, codes in STATIONS.items():
        chosen = organizer.post_form(
            f"{base}/stations/{walk.booths[station]}/services",
            {"services": [str(services[c]) for c in codes]},
        )
        assert chosen.status_code == 302
    listing = organizer.get(f"{base}?lang=zh_Hans").get_data(as_text=True)
    assert "义务诊疗、药品发放" in listing

    # 2. Residents: a village list imported (village and agreement columns), one registering on her
    #    phone with her agreement, one registered at the desk by staff.
    path = walk.tmp_path / "sunyuan.csv"
    path.write_bytes(write_csv(VILLAGE_LIST))
    result = walk.run_cli("import", "people", str(path), "--activity", str(walk.activity))
    assert result.exit_code == 0, result.output
    form_url = f"/activities/{walk.activity}/register"
    page = Client(app).get(form_url).get_data(as_text=True)
    assert "这些属于健康信息：只有本次活动的医务人员和组织者可以查看，绝不公开" in page
    assert "我同意记录我接受的健康服务" in page
    registered = Client(app).post_form(
        form_url,
        {"name": "党翠英", "phone": "13800000004", "consent": "y", "kind_health_consent": "y"},
        form_url=form_url,
    )
    assert registered.status_code == 302, registered.get_data(as_text=True)[:2000]
    desk = f"/manage/activities/{walk.activity}/registrations/new"
    assert "我同意记录我接受的健康服务" in organizer.get(f"{desk}?lang=zh_Hans").get_data(as_text=True)
    at_the_desk = organizer.post_form(
        desk,
        {
            "name": "刘长顺",
            "phone": "13800000005",
            "village": "南古村",
            "category": "general",
            "consent": "y",
            "kind_health_consent": "y",
        },
    )
    assert at_the_desk.status_code == 302, at_the_desk.get_data(as_text=True)[:2000]
    with app.app_context():
        people = {
            registration.person.name: (registration.person.village, registration.fields.get("health_consent"))
            for registration in db.session.scalars(
                sa.select(Registration).where(Registration.activity_id == walk.activity)
            )
        }
    assert people == {
        "马桂兰": ("孙塬村", True),
        "杨德福": ("孙塬村", True),
        "高秀珍": ("南古村", False),
        "党翠英": (None, True),
        "刘长顺": ("南古村", True),
    }
    walk.check(registered=5)

    # 3. At the entrance the volunteer scans them in; the answers say nothing of health.
    for name in ("马桂兰", "杨德福", "高秀珍", "刘长顺"):
        answer = walk.scanner.scan(walk.resident(name)[1])
        assert answer["result"] == "accepted"
        assert set(answer["counts"]["metrics"]) == {"residents_served", "queue_numbers", "queue_called"}
    walk.check(checked_in=4)

    # 4. Queue numbers at the examination station, for three of them; the screen shows them.
    exam = walk.provider("一号服务站")
    for name in ("马桂兰", "杨德福", "高秀珍"):
        given = exam.post_form(
            f"{walk.station('一号服务站')}/queue",
            {"ticket": walk.resident(name)[1]},
            form_url=walk.station("一号服务站"),
        )
        assert given.status_code == 302
    screen = f"/activities/{walk.activity}/health/stations/{walk.booths['一号服务站']}/screen"
    api = Api(app, None).http
    now_serving = (
        f"/api/v1/activities/{walk.activity}/health/stations/{walk.booths['一号服务站']}/now-serving"
    )
    assert api.get(now_serving).get_json() == {"serving": None, "next": [1, 2, 3], "waiting": 3}
    walk.check(queue_numbers=3)
    third = app.test_client().get(f"/t/{walk.resident('高秀珍')[1]}?lang=en").get_data(as_text=True)
    assert "2 people before you" in third
    assert exam.post_form(f"{walk.station('一号服务站')}/call-next", {}, form_url=screen).status_code == 302
    assert api.get(now_serving).get_json() == {"serving": 1, "next": [2, 3], "waiting": 2}
    walk.check(queue_called=1)

    # 5. Services: the first resident is examined and referred on, then seen at the free clinic.
    assert (
        serve(exam, walk, "一号服务站", "马桂兰", "exam", referral="y", note="心电图异常").status_code == 302
    )
    walk.check(residents_served=1, services=1, referrals=1)
    clinic = walk.provider("二号服务站")
    assert serve(clinic, walk, "二号服务站", "马桂兰", "clinic").status_code == 302
    assert serve(clinic, walk, "二号服务站", "马桂兰", "medicine").status_code == 302
    walk.check(services=3)
    # The same service twice is refused; a service the station does not offer too.
    assert serve(clinic, walk, "二号服务站", "马桂兰", "clinic").status_code == 409
    assert serve(clinic, walk, "二号服务站", "马桂兰", "exam").status_code == 409
    walk.check()
    # The second resident is called and examined.
    assert exam.post_form(f"{walk.station('一号服务站')}/call-next", {}, form_url=screen).status_code == 302
    assert serve(exam, walk, "一号服务站", "杨德福", "exam").status_code == 302
    walk.check(residents_served=2, services=4, queue_called=2)
    # The third had not agreed on the village list: refused until she agrees at the station.
    assert exam.post_form(f"{walk.station('一号服务站')}/call-next", {}, form_url=screen).status_code == 302
    assert serve(exam, walk, "一号服务站", "高秀珍", "exam").status_code == 409
    walk.check(queue_called=3)
    assert serve(exam, walk, "一号服务站", "高秀珍", "exam", consent="y").status_code == 302
    walk.check(residents_served=3, services=5)
    # Health education for a resident of the other village, recorded by mistake and undone.
    education = walk.provider("三号服务站")
    assert serve(education, walk, "三号服务站", "刘长顺", "education").status_code == 302
    assert serve(education, walk, "三号服务站", "刘长顺", "policy").status_code == 302
    walk.check(residents_served=4, services=7)
    with app.app_context():
        policy = db.session.scalar(
            sa.select(ServiceGiven.action_id).join(Service).where(Service.code == "policy")
        )
    undone = education.post_form(
        f"{walk.station('三号服务站')}/given/{policy}/undo",
        {"reason": "点错了"},
        form_url=f"{walk.station('三号服务站')}?registration={walk.resident('刘长顺')[0]}",
    )
    assert undone.status_code == 302
    walk.check(services=6)
    assert api.get(now_serving).get_json() == {"serving": 3, "next": [], "waiting": 0}
    empty = exam.post_form(f"{walk.station('一号服务站')}/call-next", {}, form_url=walk.station("一号服务站"))
    assert empty.status_code == 409

    # 6. The organizer's dashboard, written report and lists.
    board = organizer.get("/dashboard/live?lang=en").get_data(as_text=True)
    for figure, value in (("residents_served", 4), ("services", 6), ("referrals", 1)):
        assert f'data-figure="{figure}">{value}<' in board
    assert f'data-station-waiting="{walk.booths["一号服务站"]}">0<' in board
    assert ">0 min<" in board, "called within the minute: the median wait is 0 minutes"
    report = organizer.get(f"/reports/written/city?date={walk.day.isoformat()}&lang=en").get_data(
        as_text=True
    )
    assert "1 health service day served 4 residents with 6 services, 1 of them with a referral" in report
    services_list = organizer.get(f"/reports/activities/{walk.activity}/lists/services.csv?lang=en")
    rows = services_list.get_data(as_text=True).strip().splitlines()
    assert len(rows) == 1 + 6
    referrals = organizer.get(f"/reports/activities/{walk.activity}/lists/referrals.csv?lang=en")
    [_header, referral] = referrals.get_data(as_text=True).strip().splitlines()
    assert "13800000001" in referral
    assert "心电图异常" in referral
    assert "孙塬村" in referral
