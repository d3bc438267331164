"""An activity's description and a site's address in English too: written on the organizer's
forms, and shown to English readers wherever the Chinese ones are shown (registration page, ticket,
public summary, the activity's page); English readers of an activity without them read the
Chinese ones."""

import datetime as dt

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, AuditLog, Site
from eventdesk.extensions import db
from tests.support import factories

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DESCRIPTION = "请携带身份证件。\n现场登记求职意向。"
DESCRIPTION_EN = "Please bring your ID card.\nJob wishes are taken down on the spot."
ADDRESS, ADDRESS_EN = "王益区红旗街", "Hongqi Street, Wangyi District"


@pytest.fixture
def fair(app, client):
    """A job fair of today open to registration, a ticket for it, and its organizer signed in."""
    with app.app_context():
        activity = factories.activity(kind="jobfair")
        ticket = factories.registration(activity)
        organizer = factories.user("organizer")
        db.session.commit()
        facts = {
            "activity": activity.id,
            "site": activity.site_id,
            "district": activity.site.district_id,
            "ticket": ticket.token,
            "form": {
                "name": activity.name,
                "name_en": "",
                "site_id": activity.site_id,
                "lead_department_id": activity.lead_department_id,
                "cooperator_ids": [],
                "opens_at": activity.opens_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                "closes_at": activity.closes_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                "capacity": "",
                "registration_open": "y",
                "description": DESCRIPTION,
            },
        }
        email = organizer.email
    client.login(email)
    return facts


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _write_english_texts(client, fair) -> None:
    edit = f"/manage/activities/{fair['activity']}/edit"
    response = client.post_form(edit, {**fair["form"], "description_en": DESCRIPTION_EN}, form_url=edit)
    assert response.status_code == 302
    site = f"/manage/sites/{fair['site']}/edit"
    form = {
        "district_id": fair["district"],
        "name": "市人力资源市场",
        "address": ADDRESS,
        "address_en": ADDRESS_EN,
    }
    assert client.post_form(site, form, form_url=site).status_code == 302


def test_the_english_texts_are_written_on_the_forms_and_shown_to_english_readers(app, client, fair):
    _write_english_texts(client, fair)
    with app.app_context():
        activity = db.session.get(Activity, fair["activity"])
        assert (activity.description, activity.description_en) == (DESCRIPTION, DESCRIPTION_EN)
        assert (activity.site.address, activity.site.address_en) == (ADDRESS, ADDRESS_EN)
        changed = db.session.scalars(
            sa.select(AuditLog.details).where(AuditLog.action == "activity.updated")
        ).one()["changed"]
        assert "description_en" in changed
    # The forms show them back for the next change.
    assert ADDRESS_EN in _text(client.get(f"/manage/sites/{fair['site']}/edit"))
    assert "Job wishes are taken down on the spot." in _text(
        client.get(f"/manage/activities/{fair['activity']}/edit")
    )

    pages = {
        "registration": (f"/activities/{fair['activity']}/register", ("description", "address")),
        "ticket": (f"/t/{fair['ticket']}", ("address",)),
        "public summary": ("/public", ("description", "address")),
        "activity": (f"/manage/activities/{fair['activity']}", ("description", "address")),
        "sites": ("/manage/sites/", ("address",)),
    }
    chinese = {"description": "现场登记求职意向", "address": ADDRESS}
    english = {"description": "Job wishes are taken down on the spot.", "address": ADDRESS_EN}
    shown = {}
    for name, (path, texts) in pages.items():
        in_english = _text(client.get(f"{path}?lang=en"))
        in_chinese = _text(client.get(f"{path}?lang=zh_Hans"))
        shown[name] = [
            (
                english[text] in in_english,
                chinese[text] in in_english,
                chinese[text] in in_chinese,
                english[text] in in_chinese,
            )
            for text in texts
        ]
    # Each page: the English text in English and not the Chinese one; the Chinese text in Chinese.
    assert shown == {
        name: [(True, False, True, False)] * len(texts) for name, (_path, texts) in pages.items()
    }


def test_english_readers_read_the_chinese_texts_when_there_are_no_english_ones(app, client, fair):
    with app.app_context():
        activity = db.session.get(Activity, fair["activity"])
        activity.description = DESCRIPTION
        activity.site.address = ADDRESS
        db.session.commit()
    assert "现场登记求职意向" in _text(client.get(f"/activities/{fair['activity']}/register?lang=en"))
    assert ADDRESS in _text(client.get(f"/t/{fair['ticket']}?lang=en"))


@pytest.mark.parametrize(
    ("form", "field", "value", "message"),
    [
        ("activity", "description_en", "Too long. " * 201, "不能超过"),
        ("activity", "description_en", "Hidden\u2066text", "不可见字符"),
        ("site", "address_en", "Street " * 30, "不能超过"),
    ],
)
def test_a_bad_english_text_is_refused_and_nothing_written(app, client, fair, form, field, value, message):
    with app.app_context():
        before = (
            db.session.get(Activity, fair["activity"]).description_en,
            db.session.get(Site, fair["site"]).address_en,
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)),
        )
    if form == "activity":
        url, data = f"/manage/activities/{fair['activity']}/edit", {**fair["form"], field: value}
    else:
        url = f"/manage/sites/{fair['site']}/edit"
        data = {"district_id": fair["district"], "name": "市人力资源市场", field: value}
    response = client.post_form(url, data, form_url=url)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        db.session.expire_all()
        after = (
            db.session.get(Activity, fair["activity"]).description_en,
            db.session.get(Site, fair["site"]).address_en,
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)),
        )
    assert after == before


def test_the_demo_speaks_english_to_english_readers(app, run_cli):
    """The demo's activities and sites come with their English texts."""
    assert run_cli("demo", "load", "--date", "2026-10-17").exit_code == 0
    with app.app_context():
        missing = db.session.scalars(sa.select(Activity.name).where(Activity.description_en == "")).all()
        unaddressed = db.session.scalars(sa.select(Site.name).where(Site.address_en.is_(None))).all()
    assert (missing, unaddressed) == ([], [])
