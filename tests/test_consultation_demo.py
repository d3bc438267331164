"""The demo's consultation fairs: every department of the plan at its booth with materials and a
poster page, consultations across every topic, hand-outs, follow-ups answered
and some overdue; all made through the services, so the tally is exactly what the facts say."""

from collections import Counter

import sqlalchemy as sa

from eventdesk.activities.consultation import queries
from eventdesk.activities.consultation.models import BoothPage, Consultation, Material
from eventdesk.activities.consultation.vocabulary import TOPICS, values
from eventdesk.core.models import Activity, utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.demo import today
from eventdesk.extensions import db
from tests.support.client import Client


def load(run_cli, day):
    result = run_cli("demo", "load", "--date", day)
    assert result.exit_code == 0, result.output


def test_the_demo_consultation_fairs(app, run_cli):
    # The demo's day is the one in its own time zone, which is not UTC's from 16:00 to midnight UTC.
    load(run_cli, today().isoformat())
    with app.app_context():
        fairs = db.session.scalars(
            sa.select(Activity).where(Activity.kind == "consultation").order_by(Activity.id)
        ).all()
        square = fairs[0]
        # The plan's departments, each at its booth, each booth with its stock and poster page.
        assert {booth.department.name for booth in square.booths} == {square.lead_department.name} | {
            department.name for department in square.cooperators
        }
        assert {"市人社局", "市卫计局", "市金融办", "市住建局", "市脱贫攻坚办"} <= {
            booth.department.name for booth in square.booths
        }
        for booth in square.booths:
            assert db.session.scalar(sa.select(sa.func.count()).where(Material.booth_id == booth.id)) == 3
            assert db.session.get(BoothPage, booth.id).policy_text
        assert db.session.get(BoothPage, square.booths[6].id).policy_text.startswith("就业扶贫政策要点")

        rows = queries.consultations(
            Consultation.activity_id.in_([fair.id for fair in fairs]), today=square.event.local_day(utcnow())
        )
        assert {row.consultation.topic for row in rows} == set(values(TOPICS))
        assert sum(row.consultation.walk_in for row in rows) > 10
        assert sum(row.consultation.registration_id is not None for row in rows) > 5
        # Five questions came from the villages' question boxes, ten days and more before.
        assert sum(row.consultation.asked_days_earlier >= 10 for row in rows) == 5
        follow_ups = [row for row in rows if row.consultation.follow_up]
        answered = [row for row in follow_ups if not row.is_open]
        overdue = [row for row in follow_ups if row.overdue]
        assert len(answered) >= 5
        assert len(overdue) == 3
        assert len(follow_ups) > len(answered) + len(overdue)
        assert all(
            0 <= material.left < material.brought or material.kind == "item"
            for material in db.session.scalars(sa.select(Material))
        )

        stored = tally_service.stored()
        assert stored == tally_service.facts()
        figures = Counter()
        for (_day, activity_id, _booth, metric), value in stored.items():
            if activity_id == square.id:
                figures[metric] += value
        assert figures["consultations"] == sum(1 for row in rows if row.activity.id == square.id)
        assert figures["follow_ups_closed"] == sum(1 for row in answered if row.activity.id == square.id)
        assert figures["materials_handed_out"] > 0
        square_id = square.id

    # The report's follow-ups section names the overdue questions first.
    client = Client(app)
    client.login("organizer@demo.example", "demo-organizer-2026")
    report = client.get("/reports/written/city").get_data(as_text=True)
    assert report.count('class="overdue"') == 3
    assert "政策宣传咨询（分部门）" in report
    board = client.get("/dashboard/").get_data(as_text=True)
    assert "各部门咨询人次" in board
    assert client.get(f"/manage/activities/{square_id}/consultation").status_code == 200

    # Loaded again on another day, the figures still equal the facts.
    load(run_cli, "2030-10-17")
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
