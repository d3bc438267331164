"""Plan tracking: the plan's items and duties for an event, marking items done, overdue items
standing out, sending plans and reports (frozen once sent), and what files may be attached."""

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Department, District, utcnow
from eventdesk.extensions import db
from eventdesk.plan import services
from eventdesk.plan.models import DutyKind, PlanDuty, PlanItem, PlanSubmission
from tests.support import factories
from tests.support.client import Client

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
UPLOAD_LIMIT = 64 * 1024


@pytest.fixture
def app(make_app, tmp_path):
    """The app with uploads kept in a temporary folder and a small upload limit."""
    return make_app(
        EVENTDESK_UPLOAD_FOLDER=str(tmp_path / "uploads"), EVENTDESK_UPLOAD_MAX_BYTES=UPLOAD_LIMIT
    )


@pytest.fixture
def client(app):
    return Client(app)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def make_event(app, year: int) -> dict:
    """An event on 17 October of `year` with a district, two departments and a consultation fair."""
    with app.app_context():
        hrss, land = (
            db.session.scalar(sa.select(Department).where(Department.code == code))
            or factories.department(name=name, code=code)
            for code, name in (("hrss", "市人社局"), ("land", "市国土局"))
        )
        district = factories.district(name=f"耀州区{year}")
        event = factories.event(starts_on=dt.date(year, 10, 17))
        fair = factories.activity(event, site_=factories.site(district), lead=land)
        result = services.load_plan(event)
        db.session.commit()
        return {
            "event": event.id,
            "fair": fair.id,
            "hrss": hrss.id,
            "land": land.id,
            "district": district.id,
            "created": result,
        }


def login(app, client, role="organizer", scopes=()):
    with app.app_context():
        user = factories.user(role, scopes=scopes)
        db.session.commit()
        email = user.email
    client.login(email)


def duty_id(app, event_id, kind, *, department_id=None, district_id=None) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(PlanDuty.id).where(
                PlanDuty.event_id == event_id,
                PlanDuty.kind == kind,
                PlanDuty.department_id.is_(None)
                if department_id is None
                else PlanDuty.department_id == department_id,
                PlanDuty.district_id.is_(None)
                if district_id is None
                else PlanDuty.district_id == district_id,
            )
        )


def test_load_creates_the_eight_items_and_every_units_two_duties(app):
    make_event(app, 2030)
    with app.app_context():
        items = db.session.scalars(sa.select(PlanItem).order_by(PlanItem.number)).all()
        assert [i.name for i in items] == [
            "走访座谈", "新闻发布会", "重要署名文章", "集中宣传",
            "政策宣传咨询", "健康服务", "集中交钥匙", "就业扶贫招聘会",
        ]  # fmt: skip
        jobfair = items[7]
        assert [d.code for d in jobfair.leads] == ["hrss"]
        assert jobfair.kind == "jobfair"
        assert [d.name for d in jobfair.cooperators] == ["市扶贫局"]
        assert items[1].starts_on == dt.date(2030, 10, 11)
        assert items[0].lead_note == "各级帮扶部门和单位"
        # Plans due 9 October, reports 17 October, for every department named and every district.
        duties = db.session.scalars(sa.select(PlanDuty)).all()
        departments = db.session.scalar(sa.select(sa.func.count()).select_from(Department))
        districts = db.session.scalar(sa.select(sa.func.count()).select_from(District))
        assert len(duties) == 2 * (departments + districts)
        assert {(d.kind, d.due_on) for d in duties} == {
            (DutyKind.plan, dt.date(2030, 10, 9)),
            (DutyKind.report, dt.date(2030, 10, 17)),
        }
        # The existing departments were found by code, the others created once.
        assert db.session.scalar(sa.select(sa.func.count()).where(Department.code == "hrss")) == 1
        again = services.load_plan(db.session.get(PlanItem, items[0].id).event)
        assert (again.items, again.duties, again.departments) == (0, 0, 0)


def test_plan_load_command(app, run_cli):
    with app.app_context():
        factories.event(starts_on=dt.date(2031, 10, 17))
        db.session.commit()
    result = run_cli("plan", "load")
    assert result.exit_code == 0, result.output
    assert "8 items" in result.output
    assert "0 items" in run_cli("plan", "load").output


def test_overdue_items_and_duties_stand_out(app, client):
    past = make_event(app, 2020)
    login(app, client)
    page = client.get(f"/plan/?event={past['event']}").get_data(as_text=True)
    assert page.count('class="overdue"') >= 8 + 1  # every item, and every unit's row
    assert "已逾期" in page
    # The consultation item links to the live activity carrying it out.
    item_row = page.split('id="item-5"')[1].split("</tr>")[0]
    assert f"#activity-{past['fair']}" in item_row

    future = make_event(app, utcnow().year + 2)
    page = client.get(f"/plan/?event={future['event']}").get_data(as_text=True)
    assert 'class="overdue"' not in page
    assert "已逾期" not in page


def test_marking_an_item_done(app, client):
    data = make_event(app, 2020)
    with app.app_context():
        jobfair = db.session.scalar(sa.select(PlanItem.id).where(PlanItem.number == 8))
    login(app, client, scopes=[{"department_id": data["land"]}])
    form_url = f"/plan/?event={data['event']}"
    refused = client.post_form(f"/plan/items/{jobfair}/done", {"note": "办好了"}, form_url=form_url)
    assert refused.status_code == 403

    client.post_form("/logout", form_url=form_url)
    login(app, client, scopes=[{"department_id": data["hrss"]}])
    done = client.post_form(f"/plan/items/{jobfair}/done", {"note": "提供岗位320个"}, form_url=form_url)
    assert done.status_code == 302
    with app.app_context():
        item = db.session.get(PlanItem, jobfair)
        assert item.done_at is not None
        assert item.done_note == "提供岗位320个"
    row = client.get(form_url).get_data(as_text=True).split('id="item-8"')[1].split("</tr>")[0]
    assert "已完成（逾期）" in row
    assert 'class="overdue"' not in row


def sent_and_frozen(app, duty, text):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(PlanSubmission).where(PlanSubmission.duty_id == duty).order_by(PlanSubmission.id)
        ).all()
        return [(s.text, s.submitted_at is not None, s.file_sha256) for s in rows]


def test_a_sent_report_is_frozen_and_a_correction_is_a_new_version(app, client):
    data = make_event(app, utcnow().year + 1)
    report = duty_id(app, data["event"], "report", district_id=data["district"])
    login(app, client, scopes=[{"district_id": data["district"]}])
    duty_url = f"/plan/duties/{report}"

    saved = client.post_form(f"{duty_url}/submissions", {"text": "初稿", "save": "1"}, form_url=duty_url)
    assert saved.status_code == 302
    with app.app_context():
        draft = db.session.scalar(sa.select(PlanSubmission.id).where(PlanSubmission.duty_id == report))
    edited = client.post_form(
        f"/plan/submissions/{draft}", {"text": "第二稿", "save": "1"}, form_url=duty_url
    )
    assert edited.status_code == 302
    sent = client.post_form(
        f"/plan/submissions/{draft}",
        {"text": "耀州区扶贫日活动开展情况", "send": "1", "file": (io.BytesIO(PDF), "报告.pdf")},
        form_url=duty_url,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    assert sent_and_frozen(app, report, None) == [
        ("耀州区扶贫日活动开展情况", True, hashlib.sha256(PDF).hexdigest())
    ]

    # A second edit is refused, and nothing changes.
    refused = client.post_form(
        f"/plan/submissions/{draft}", {"text": "偷偷改一下", "send": "1"}, form_url=duty_url
    )
    assert refused.status_code == 409
    assert "不能再修改" in refused.get_data(as_text=True)
    assert sent_and_frozen(app, report, None)[0][0] == "耀州区扶贫日活动开展情况"

    # The file comes back exactly as it was sent.
    download = client.get(f"/plan/submissions/{draft}/file")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()

    correction = client.post_form(
        f"{duty_url}/submissions", {"text": "更正：数据有误", "send": "1"}, form_url=duty_url
    )
    assert correction.status_code == 302
    versions = sent_and_frozen(app, report, None)
    assert [(text, sent) for text, sent, _digest in versions] == [
        ("耀州区扶贫日活动开展情况", True),
        ("更正：数据有误", True),
    ]
    page = client.get(duty_url).get_data(as_text=True)
    assert "现行版本" in page
    assert "已被新版本替代" in page


def test_the_service_refuses_edits_of_a_sent_submission(app):
    data = make_event(app, utcnow().year + 1)
    with app.app_context():
        actor = factories.user("admin")
        duty = db.session.get(PlanDuty, duty_id(app, data["event"], "plan", department_id=data["hrss"]))
        submission = services.create_submission(duty, actor, text="方案", send=True)
        db.session.commit()
        with pytest.raises(services.ServiceError) as refused:
            services.update_submission(submission, actor, text="改", send=False)
        assert refused.value.code == "submission_frozen"
        assert refused.value.status == 409


@pytest.mark.parametrize(
    ("name", "content", "code", "status"),
    [
        ("方案.exe", b"MZ\x90\x00", "upload_type_not_allowed", 400),
        ("方案.txt", b"plain text", "upload_type_not_allowed", 400),
        ("方案.pdf", b"<html>not a pdf</html>", "upload_type_not_allowed", 400),
        ("方案.docx", b"PK\x03\x04 not really a zip", "upload_type_not_allowed", 400),
        ("方案.pdf", b"%PDF-" + b"0" * UPLOAD_LIMIT, "upload_too_large", 413),
    ],
)
def test_uploads_of_wrong_type_or_size_are_refused(app, client, tmp_path, name, content, code, status):
    data = make_event(app, utcnow().year + 1)
    plan = duty_id(app, data["event"], "plan", department_id=data["hrss"])
    login(app, client, scopes=[{"department_id": data["hrss"]}])
    duty_url = f"/plan/duties/{plan}"
    response = client.post_form(
        f"{duty_url}/submissions",
        {"text": "方案", "send": "1", "file": (io.BytesIO(content), name)},
        form_url=duty_url,
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    with app.test_request_context():
        from eventdesk.errors import reason_message

        assert reason_message(code) in response.get_data(as_text=True)
    assert sent_and_frozen(app, plan, None) == []
    assert not list((tmp_path / "uploads").rglob("*.*"))


def test_accepted_upload_is_stored_under_a_random_name(app, client, tmp_path):
    data = make_event(app, utcnow().year + 1)
    plan = duty_id(app, data["event"], "plan", department_id=data["hrss"])
    login(app, client, scopes=[{"department_id": data["hrss"]}])
    duty_url = f"/plan/duties/{plan}"
    response = client.post_form(
        f"{duty_url}/submissions",
        {"send": "1", "file": (io.BytesIO(docx_bytes()), "../../市人社局 活动方案.docx")},
        form_url=duty_url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    stored = list((tmp_path / "uploads" / "plan").iterdir())
    assert len(stored) == 1
    assert re.fullmatch(r"[0-9a-f]{32}\.docx", stored[0].name)
    with app.app_context():
        submission = db.session.scalar(sa.select(PlanSubmission))
        assert submission.file_name == "市人社局 活动方案.docx"
        assert submission.file_size == len(docx_bytes())


def test_empty_submission_and_other_units_are_refused(app, client):
    data = make_event(app, utcnow().year + 1)
    plan = duty_id(app, data["event"], "plan", department_id=data["hrss"])
    login(app, client, scopes=[{"department_id": data["land"]}])
    assert client.get(f"/plan/duties/{plan}").status_code == 403
    own = duty_id(app, data["event"], "plan", department_id=data["land"])
    response = client.post_form(
        f"/plan/duties/{own}/submissions", {"text": "  ", "send": "1"}, form_url=f"/plan/duties/{own}"
    )
    assert response.status_code == 400
    assert "请填写正文或上传附件" in response.get_data(as_text=True)


def test_uploads_need_the_forms_csrf_token(app, client):
    data = make_event(app, utcnow().year + 1)
    plan = duty_id(app, data["event"], "plan", department_id=data["hrss"])
    login(app, client, scopes=[{"department_id": data["hrss"]}])
    response = client.http.post(
        f"/plan/duties/{plan}/submissions",
        data={"text": "方案", "send": "1", "file": (io.BytesIO(PDF), "方案.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert sent_and_frozen(app, plan, None) == []


def test_staff_cannot_open_the_plan(app, client):
    make_event(app, 2030)
    login(app, client, "staff")
    assert client.get("/plan/").status_code == 403


def test_the_city_office_creates_the_plan_from_the_page(app, client):
    with app.app_context():
        event = factories.event(starts_on=dt.date(2032, 10, 17))
        db.session.commit()
        event_id = event.id
    login(app, client)
    page_url = f"/plan/?event={event_id}"
    assert "尚未建立" in client.get(page_url).get_data(as_text=True)
    assert client.post_form(f"/plan/load?event={event_id}", form_url=page_url).status_code == 302
    assert "就业扶贫招聘会" in client.get(page_url).get_data(as_text=True)
