"""Lists imported on the activity's page: upload, a preview with each row's problem in Chinese,
then import all rows or only the good ones, through the same service as ``flask import``; and the
command line naming its own option, a person-category column, rows repeated inside a file."""

import base64
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from eventdesk.core.models import AuditLog, Person, Registration
from eventdesk.extensions import db
from tests.support import factories
from tests.support.tickets import counts

PEOPLE = [
    ("姓名", "手机号", "村镇", "人员类别"),
    ("张三", "13800000001", "阳光村", "建档立卡贫困户"),
    ("李四", "13800000002", "青山镇", "低收入人口"),
    ("王五", "12345", "青山镇", ""),  # row 4: a phone number too short
    ("张三", "138 0000 0001", "阳光村", "建档立卡贫困户"),  # row 5: row 2 again
    ("赵六", "13800000006", "阳光村", "五保户"),  # row 6: not a category EventDesk knows
]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def place(app):
    with app.app_context():
        activity = factories.activity()
        fair = factories.activity(activity.event, kind="jobfair")
        organizer = factories.user("organizer", email="office@example.org")
        staff = factories.user("staff", email="desk@example.org", scopes=[{"activity_id": activity.id}])
        db.session.commit()
        return {"activity": activity.id, "fair": fair.id, "organizer": organizer.email, "staff": staff.email}


def upload(client, activity_id, name, data, filename="名单.xlsx"):
    url = f"/manage/activities/{activity_id}/imports"
    return client.post_form(
        f"{url}/{name}/preview",
        {"file": (io.BytesIO(data), filename)},
        form_url=url,
        content_type="multipart/form-data",
    )


def confirm(client, activity_id, name, preview, skip_bad):
    html = preview.get_data(as_text=True)
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', html).group(1)
    return client.post_form(
        f"/manage/activities/{activity_id}/imports/{name}",
        {"content": content, "filename": "名单.xlsx", "skip_bad": "y" if skip_bad else ""},
        form_url=f"/manage/activities/{activity_id}/imports",
    )


def test_the_activity_page_offers_every_list_its_kind_imports(client, place):
    client.login(place["organizer"])
    activity_page = client.get(f"/manage/activities/{place['activity']}").get_data(as_text=True)
    assert f"/manage/activities/{place['activity']}/imports" in activity_page
    page = text_of(client.get(f"/manage/activities/{place['activity']}/imports"))
    assert "活动报名人员名单" in page
    assert "人员类别" in page
    # The job fair's own lists come from the kind, through the import registry.
    fair = client.get(f"/manage/activities/{place['fair']}/imports").get_data(as_text=True)
    for name in ("people", "checkins", "employers", "postings"):
        assert f"/imports/{name}/preview" in fair
    assert "/imports/employers/preview" not in client.get(
        f"/manage/activities/{place['activity']}/imports"
    ).get_data(as_text=True)


def test_a_preview_shows_each_rows_problem_and_keeps_nothing(app, client, place):
    client.login(place["organizer"])
    preview = upload(client, place["activity"], "people", xlsx(PEOPLE))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'data-count="rows">5<' in html
    assert 'data-count="done">2<' in html
    assert 'data-count="problems">2<' in html
    assert 'data-count="repeats">1<' in html
    text = text_of(preview)
    assert re.search(r"4 手机号 .*手机号", text)  # row 4, its column, the reason in Chinese
    assert "无法识别的人员类别" in text
    assert "第 5 行：与本文件第 2 行重复，只计一次。" in text
    assert "跳过 2 个有错误的行" in text
    assert counts(app) == {"people": 0, "registrations": 0, "scans": 0}


def test_importing_the_good_rows_after_the_preview(app, client, place):
    client.login(place["organizer"])
    preview = upload(client, place["activity"], "people", xlsx(PEOPLE))
    response = confirm(client, place["activity"], "people", preview, skip_bad=True)
    assert response.status_code == 302
    done = text_of(client.get(response.headers["Location"]))
    assert "已导入" in done
    assert "1 行与前面的行重复，只计一次" in done
    with app.app_context():
        people = dict(
            db.session.execute(
                sa.select(Person.name, Person.category)
                .join(Registration)
                .where(Registration.activity_id == place["activity"])
            ).all()
        )
        assert people == {"张三": "registered_poor", "李四": "low_income"}
        details = db.session.scalar(sa.select(AuditLog.details).where(AuditLog.action == "import.people"))
        assert (details["done"], details["skipped"]) == (2, 2)


def test_importing_every_row_is_refused_while_some_are_bad(app, client, place):
    client.login(place["organizer"])
    preview = upload(client, place["activity"], "people", xlsx(PEOPLE))
    assert "导入</button>" not in preview.get_data(as_text=True).replace("跳过 2 个有错误的行", "")
    response = confirm(client, place["activity"], "people", preview, skip_bad=False)
    assert response.status_code == 200
    assert "有些行有错误，所以这次什么都没有导入" in text_of(response)
    assert counts(app)["registrations"] == 0


def test_a_clean_list_is_imported_whole(app, client, place):
    client.login(place["organizer"])
    rows = [PEOPLE[0], PEOPLE[1], PEOPLE[2]]
    preview = upload(client, place["activity"], "people", xlsx(rows))
    assert "跳过" not in text_of(preview)
    assert confirm(client, place["activity"], "people", preview, skip_bad=False).status_code == 302
    assert counts(app)["registrations"] == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0old excel", "无法读取"),
        ("姓名,村镇\r\n张三,阳光村\r\n".encode(), "缺少"),
    ],
)
def test_a_file_that_cannot_be_imported_is_explained(app, client, place, data, message):
    client.login(place["organizer"])
    response = upload(client, place["activity"], "people", data, filename="名单.csv")
    assert response.status_code == 302
    assert message in text_of(client.get(response.headers["Location"]))
    assert counts(app)["people"] == 0


def test_a_tampered_file_is_judged_again_when_imported(app, client, place):
    client.login(place["organizer"])
    content = base64.b64encode(xlsx([PEOPLE[0], PEOPLE[3]])).decode()
    response = client.post_form(
        f"/manage/activities/{place['activity']}/imports/people",
        {"content": content, "skip_bad": ""},
        form_url=f"/manage/activities/{place['activity']}/imports",
    )
    assert response.status_code == 200
    assert counts(app)["registrations"] == 0


def test_staff_who_do_not_manage_the_activity_cannot_import(app, client, place):
    client.login(place["staff"])
    assert client.get(f"/manage/activities/{place['activity']}/imports").status_code == 403
    response = client.post_form(
        f"/manage/activities/{place['activity']}/imports/people/preview",
        {"file": (io.BytesIO(xlsx(PEOPLE)), "名单.xlsx")},
        form_url="/manage/",
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


# -- the command line ---------------------------------------------------------------------------------


def test_the_command_line_names_skip_bad_and_the_repeated_row(app, run_cli, tmp_path, place):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx(PEOPLE))
    result = run_cli("import", "people", str(path), "--activity", str(place["activity"]))
    assert result.exit_code == 1
    assert "--skip-bad" in result.output
    assert "选择跳过" not in result.output
    assert "第 5 行：与本文件第 2 行重复，只计一次。" in result.output
    assert "import_bad_category" in result.output
    assert counts(app)["registrations"] == 0

    result = run_cli("import", "people", str(path), "--activity", str(place["activity"]), "--skip-bad")
    assert result.exit_code == 0, result.output
    with app.app_context():
        zhang = db.session.scalar(sa.select(Person).where(Person.name == "张三"))
        assert zhang.category == "registered_poor"
