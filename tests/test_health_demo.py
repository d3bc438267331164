"""The demo's health service day: the plan's six services at three stations, residents of two
villages, a morning of queue numbers and services with some referrals, made through the services:
the tally is exactly what its facts say."""

from collections import Counter

import sqlalchemy as sa

from eventdesk.activities.health import queues, services
from eventdesk.activities.health.models import QueueTicket, ServiceGiven
from eventdesk.core.models import Activity, Person, Registration
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.client import Client


def test_the_demo_health_day(app, run_cli):
    result = run_cli("demo", "load", "--date", "2026-10-17")
    assert result.exit_code == 0, result.output
    with app.app_context():
        day = db.session.scalars(sa.select(Activity).where(Activity.kind == "health")).one()
        assert len(services.services_of(day)) == 6
        stations = [booth for booth in day.booths if services.is_station(booth)]
        assert len(stations) == 3
        offered = {service.code for booth in stations for service in services.station_services(booth)}
        assert offered == {"exam", "clinic", "medicine", "education", "prevention", "policy"}

        given = db.session.scalars(sa.select(ServiceGiven)).all()
        served = {row.registration_id for row in given}
        villages = set(
            db.session.scalars(
                sa.select(Person.village).join(Registration).where(Registration.id.in_(served))
            )
        )
        assert villages == {"孙塬村", "南古村"}
        assert len(served) == 14
        referrals = sum(row.referral for row in given)
        assert 2 <= referrals < len(given)
        assert any(row.note for row in given)

        waiting = db.session.scalar(
            sa.select(sa.func.count()).select_from(QueueTicket).where(QueueTicket.called_at.is_(None))
        )
        assert waiting == 2
        first = next(
            queue for queue in queues.station_queues(day, day.day) if queue.booth.id == stations[0].id
        )
        assert first.median_wait_minutes == 6

        stored = tally_service.stored()
        assert stored == tally_service.facts()
        figures = Counter()
        for (_day, activity_id, _booth, metric), value in stored.items():
            if activity_id == day.id:
                figures[metric] += value
        assert figures["residents_served"] == 14
        assert figures["services"] == len(given)
        assert figures["referrals"] == referrals
        assert sum(value for metric, value in figures.items() if metric.startswith("services.")) == len(given)
        activity_id = day.id

    # The demo's provider (a booth login at the first station) opens their station.
    provider = Client(app)
    provider.login("booth@demo.example", "demo-booth-2026")
    page = provider.get(f"/manage/activities/{activity_id}/health/stations/{stations[0].id}")
    assert page.status_code == 200
