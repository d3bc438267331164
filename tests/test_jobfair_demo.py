"""The demo's job fair: a dozen employers of every kind with their postings (some public-welfare
posts), seekers with applications in every state, all made through the services: the tally is
exactly what its facts say, and moving the demo moves the fair's standing figures with it."""

from collections import Counter

import sqlalchemy as sa

from eventdesk.activities.jobfair import queries
from eventdesk.activities.jobfair.models import Application, Employer, Posting
from eventdesk.activities.jobfair.vocabulary import EMPLOYER_KINDS, values
from eventdesk.core.models import Activity, Registration
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db


def load(run_cli, day):
    result = run_cli("demo", "load", "--date", day)
    assert result.exit_code == 0, result.output


def test_the_demo_job_fair(app, run_cli):
    load(run_cli, "2026-10-17")
    with app.app_context():
        fair = db.session.scalars(sa.select(Activity).where(Activity.kind == "jobfair")).one()
        employers = queries.employers_of(fair)
        assert len(employers) == 12
        assert {employer.kind for employer in employers} == set(values(EMPLOYER_KINDS))
        assert [booth.name for booth in fair.booths] == [
            "贫困劳动力求职登记台",
            *(employer.name for employer in employers),
        ]
        postings = [posting for employer in employers for posting in employer.postings]
        assert all(employer.postings for employer in employers)
        assert 3 <= sum(posting.public_welfare for posting in postings) < len(postings)
        assert all(0 <= posting.hired <= posting.positions for posting in postings)

        progress = queries.progress_of(db.session.scalars(sa.select(Application.id)))
        latest = Counter(p.latest for p in progress.values())
        assert set(latest) == {None, "interviewed", "intention", "hired", "not_suitable"}
        registered = db.session.scalars(sa.select(Registration).where(Registration.activity_id == fair.id))
        seekers = [registration for registration in registered if registration.fields]
        assert len(seekers) >= 20
        assert sum(bool(r.fields.get("poor_labourer")) for r in seekers) >= 5
        assert all("education" in r.fields or "wanted_jobs" in r.fields for r in seekers)

        stored = tally_service.stored()
        assert stored == tally_service.facts()
        fair_figures = Counter()
        for (_day, activity_id, _booth, metric), value in stored.items():
            if activity_id == fair.id:
                fair_figures[metric] += value
        assert fair_figures["employers"] == 12
        assert fair_figures["postings"] == len(postings)
        assert fair_figures["positions"] == sum(posting.positions for posting in postings)
        assert fair_figures["hired"] == sum(posting.hired for posting in postings) > 0
        assert 0 < fair_figures["hired"] < fair_figures["intentions"] < fair_figures["applications"]
        assert fair_figures["poor_labourers_present"] > 0

    # Loaded again on another day, the fair's standing figures move with it.
    load(run_cli, "2026-10-20")
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        fair = db.session.scalars(sa.select(Activity).where(Activity.kind == "jobfair")).one()
        days = {key[0] for key in tally_service.stored() if key[1] == fair.id and key[3] == "employers"}
        assert days == {fair.day}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 12
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Posting)) == len(postings)
