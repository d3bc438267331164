"""A day with an activity of each of the four kinds, each with a ticket and its first actions
recorded: the paths of the kinds' public and staff pages, for tests that visit every one."""

from dataclasses import dataclass

from tests.support import consultation, handover, health, jobfair
from tests.support.api import Api

#: The health day's stations, named as the glossary names them (服务站).
STATIONS = {"一号服务站": ("bp", "exam", "ultrasound"), "二号服务站": ("clinic", "medicine")}


@dataclass
class FourKinds:
    """The kinds' activities, and the paths of their pages (name, path)."""

    activities: dict[str, int]
    poster: str
    public: list[tuple[str, str]]
    staff: list[tuple[str, str]]


def build_four_kinds(app) -> FourKinds:
    fair = consultation.build_fair(app)
    _visitor, visitor = consultation.add_visitor(app, fair, "李建国", "13900000001")
    booth = fair.booth("市民政局")
    talk = Api(app, fair.booth_scanners["市民政局"])
    assert consultation.consult(talk, fair, "市民政局", "social_security", token=visitor).status_code == 201
    assert consultation.handout(talk, fair, "市民政局", "社会救助政策问答", 2).status_code == 201

    day = health.build_day(app, STATIONS)
    _resident, resident = health.add_resident(app, day, "张桂兰", "13800001234")
    station = day.station("一号服务站")
    provider = Api(app, day.provider)
    queue = f"/activities/{day.activity}/health/stations/{station}/queue"
    assert provider.post(queue, {"token": resident}).status_code == 201
    assert health.serve(provider, day, "一号服务站", resident, "bp").status_code == 201

    ceremony = handover.build_ceremony(app, [handover.household_row(1), handover.household_row(2)])
    assert handover.handover(Api(app, ceremony.desk_staff), ceremony, "户主1").status_code == 201

    jobs = jobfair.build_fair(app)
    _seeker, seeker = jobfair.add_seeker(app, jobs, "王秀英", "13700000001")
    stand = Api(app, jobs.stand_scanners["市人民医院"])
    assert jobfair.apply(stand, jobs, "市人民医院", seeker, "护工").status_code == 201

    consult = f"/manage/activities/{fair.activity}/consultation"
    serve = f"/manage/activities/{day.activity}/health"
    keys = f"/manage/activities/{ceremony.activity}/handover"
    stands = f"/manage/activities/{jobs.activity}/jobfair"
    return FourKinds(
        activities={
            "consultation": fair.activity,
            "health": day.activity,
            "handover": ceremony.activity,
            "jobfair": jobs.activity,
        },
        poster=f"/consult/{booth}",
        public=[
            ("consultation poster", f"/consult/{booth}"),
            ("consultation ticket", f"/t/{visitor}"),
            ("health ticket", f"/t/{resident}"),
            ("now-serving screen", f"/activities/{day.activity}/health/stations/{station}/screen"),
            ("handover ticket", f"/t/{ceremony.ticket('户主1')}"),
            ("job postings", f"/activities/{jobs.activity}/postings"),
            ("seeker's postings", f"/t/{seeker}/postings"),
        ],
        staff=[
            ("consultation booths", consult),
            ("consultation desk", f"{consult}/booths/{booth}/desk"),
            ("materials", f"{consult}/materials"),
            ("poster settings", f"{consult}/booths/{booth}/poster"),
            ("printed poster", f"{consult}/booths/{booth}/poster/print"),
            ("follow-ups", f"/manage/consultation/departments/{fair.departments['市民政局']}/follow-ups"),
            ("health stations", serve),
            ("health station", f"{serve}/stations/{station}?ticket={resident}"),
            ("village sheets", f"{serve}/sheets"),
            ("ceremony", keys),
            ("handover desk", f"{keys}/desk?booth={ceremony.desk()}&ticket={ceremony.ticket('户主2')}"),
            ("letters", f"{keys}/letters"),
            ("letter wording", f"{keys}/letter"),
            ("receipts", f"{keys}/receipts"),
            ("employers", f"{stands}/employers"),
            ("employer", f"{stands}/employers/{jobs.employers['市人民医院']}"),
            ("applicants", f"{stands}/employers/{jobs.employers['市人民医院']}/applicants"),
        ],
    )
