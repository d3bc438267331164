"""The job fair's pages: employers and postings (organizers, and an employer's own staff for
its stand), a stand's applicants, and the public list of postings (with the ones that fit a
seeker who opens it from their ticket)."""

import functools

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.activities.jobfair import employers, matching, queries
from eventdesk.activities.jobfair.display import PostingTexts
from eventdesk.activities.jobfair.forms import DeleteForm, EmployerForm, PostingForm
from eventdesk.activities.jobfair.models import Application, Employer, Posting
from eventdesk.activities.jobfair.panels import intention_rate
from eventdesk.activities.jobfair.permissions import is_stand_staff, may_change_employer
from eventdesk.activities.jobfair.vocabulary import EDUCATION, EMPLOYER_KINDS, KIND_NAME, STATUSES, label_of
from eventdesk.auth.permissions import activity_page
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Activity, Registration
from eventdesk.core.services.registrations import find_by_token
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.form_pages import form_page, saved

bp = Blueprint("jobfair", __name__)
PREFIX = "/manage/activities/<int:activity_id>/jobfair"
#: The public list may be kept by phones and proxies this long; positions left move slowly.
PUBLIC_MAX_AGE = 60


def fair_page(need: Need = Need.view):
    """A page of a job fair (`activity_page`, and 404 for an activity of another kind)."""

    def decorator(view):
        @functools.wraps(view)
        def of_a_fair(activity: Activity, **kwargs):
            if activity.kind != KIND_NAME:
                abort(404)
            return view(activity, **kwargs)

        return activity_page(need)(of_a_fair)

    return decorator


@bp.app_context_processor
def _labels() -> dict:
    return {
        "jobfair_labels": {
            "employer_kind": lambda value: label_of(EMPLOYER_KINDS, value),
            "education": lambda value: label_of(EDUCATION, value),
            "status": lambda value: label_of(STATUSES, value),
        },
        "jobfair_intention_rate": intention_rate,
    }


def _employer(activity: Activity, employer_id: int, *, change: bool = False) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None or employer.activity_id != activity.id:
        abort(404)
    if change and not may_change_employer(current_user, employer):
        abort(403)
    return employer


def _posting(activity: Activity, posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id)
    if posting is None or posting.employer.activity_id != activity.id:
        abort(404)
    if not may_change_employer(current_user, posting.employer):
        abort(403)
    return posting


# -- employers --------------------------------------------------------------------------------


@bp.get(f"{PREFIX}/employers", endpoint="employers")
@fair_page()
def employer_list(activity: Activity):
    """The fair's employers, their stands and postings."""
    return render_template(
        "jobfair/employers.html",
        activity=activity,
        employers=queries.employers_of(activity),
        may_add=can_manage_activity(current_user, activity),
        may_change=lambda employer: may_change_employer(current_user, employer),
    )


@bp.route(f"{PREFIX}/employers/new", methods=["GET", "POST"])
@fair_page(Need.manage)
def employer_new(activity: Activity):
    """Add an employer: its stand is made with it."""
    form = EmployerForm()
    made = None

    def create():
        nonlocal made
        made = employers.create_employer(activity, form.employer_input(), actor=current_user)

    ok, status = saved(form, create)
    if ok:
        return redirect(url_for(".employer", activity_id=activity.id, employer_id=made.id))
    back = url_for(".employers", activity_id=activity.id)
    return form_page(form, _("New employer"), back, status, subtitle=activity.label)


@bp.get(f"{PREFIX}/employers/<int:employer_id>")
@fair_page()
def employer(activity: Activity, employer_id: int):
    """An employer, its contact and its postings."""
    found = _employer(activity, employer_id)
    return _employer_page(activity, found)


def _employer_page(activity: Activity, found: Employer, status: int = 200):
    return (
        render_template(
            "jobfair/employer.html",
            activity=activity,
            employer=found,
            may_change=may_change_employer(current_user, found),
            may_delete=can_manage_activity(current_user, activity),
            delete_form=DeleteForm(),
            texts=PostingTexts(),
        ),
        status,
    )


@bp.route(f"{PREFIX}/employers/<int:employer_id>/edit", methods=["GET", "POST"])
@fair_page()
def employer_edit(activity: Activity, employer_id: int):
    """Change an employer's name, kind, contact or stand number."""
    found = _employer(activity, employer_id, change=True)
    form = EmployerForm(obj=found)
    ok, status = saved(
        form, lambda: employers.update_employer(found, form.employer_input(), actor=current_user)
    )
    back = url_for(".employer", activity_id=activity.id, employer_id=found.id)
    if ok:
        return redirect(back)
    return form_page(form, _("Edit employer"), back, status, subtitle=found.name)


@bp.post(f"{PREFIX}/employers/<int:employer_id>/delete")
@fair_page(Need.manage)
def employer_delete(activity: Activity, employer_id: int):
    """Delete an employer entered by mistake, before anybody applied at its stand."""
    found = _employer(activity, employer_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        employers.delete_employer(found, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _employer_page(activity, found, error.status)
    db.session.commit()
    flash(_("The employer is deleted."), "success")
    return redirect(url_for(".employers", activity_id=activity.id))


# -- postings ---------------------------------------------------------------------------------


@bp.route(f"{PREFIX}/employers/<int:employer_id>/postings/new", methods=["GET", "POST"])
@fair_page()
def posting_new(activity: Activity, employer_id: int):
    """Add a posting to an employer."""
    found = _employer(activity, employer_id, change=True)
    form = PostingForm()
    ok, status = saved(
        form, lambda: employers.create_posting(found, form.posting_input(), actor=current_user)
    )
    back = url_for(".employer", activity_id=activity.id, employer_id=found.id)
    if ok:
        return redirect(back)
    return form_page(form, _("New posting"), back, status, subtitle=found.name)


@bp.route(f"{PREFIX}/postings/<int:posting_id>/edit", methods=["GET", "POST"])
@fair_page()
def posting_edit(activity: Activity, posting_id: int):
    """Change a posting (its positions never below the people hired for it)."""
    posting = _posting(activity, posting_id)
    form = PostingForm(obj=posting, data={"education": posting.education or ""})
    ok, status = saved(
        form, lambda: employers.update_posting(posting, form.posting_input(), actor=current_user)
    )
    back = url_for(".employer", activity_id=activity.id, employer_id=posting.employer_id)
    if ok:
        return redirect(back)
    return form_page(form, _("Edit posting"), back, status, subtitle=posting.employer.name)


@bp.post(f"{PREFIX}/postings/<int:posting_id>/delete")
@fair_page()
def posting_delete(activity: Activity, posting_id: int):
    """Delete a posting nobody has applied for."""
    posting = _posting(activity, posting_id)
    found = posting.employer
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        employers.delete_posting(posting, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _employer_page(activity, found, error.status)
    db.session.commit()
    flash(_("The posting is deleted."), "success")
    return redirect(url_for(".employer", activity_id=activity.id, employer_id=found.id))


# -- a stand's applicants ----------------------------------------------------------------------


@bp.get(f"{PREFIX}/employers/<int:employer_id>/applicants")
@fair_page()
def applicants(activity: Activity, employer_id: int):
    """Who applied at the stand and what came of it. Phone numbers in full for the stand's own
    staff and the organizers (the seekers agreed to share them with the employers they apply
    to); masked for anyone else."""
    found = _employer(activity, employer_id)
    response = make_response(
        render_template(
            "jobfair/applicants.html",
            activity=activity,
            employer=found,
            rows=queries.applications(Application.booth_id == found.booth_id),
            full_phones=may_change_employer(current_user, found),
            stand_staff=is_stand_staff(current_user, found),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- the postings, for everyone ---------------------------------------------------------------


@bp.get("/activities/<int:activity_id>/postings")
def public_postings(activity_id: int):
    """The fair's postings by employer with the positions left: no sign-in, no personal data."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind != KIND_NAME:
        abort(404)
    response = make_response(
        render_template(
            "jobfair/postings.html",
            activity=activity,
            employers=queries.employers_of(activity),
            texts=PostingTexts(),
        )
    )
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/t/<token>/postings")
def my_postings(token: str):
    """The fair's postings, led by those that fit the seeker whose ticket this is."""
    registration: Registration | None = find_by_token(token)
    if registration is None or registration.activity.kind != KIND_NAME:
        abort(404)
    activity = registration.activity
    found = queries.employers_of(activity)
    postings = [posting for employer in found for posting in employer.postings]
    response = make_response(
        render_template(
            "jobfair/postings.html",
            activity=activity,
            employers=found,
            registration=registration,
            fitting=matching.fitting(registration.fields or {}, postings),
            texts=PostingTexts(),
        )
    )
    # A private page: the ticket's link is in its address.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
