"""How postings read on a page, in the reader's language: translated once for a whole list, so
that a fair of hundreds of postings renders quickly on the public page a phone opens."""

from flask_babel import gettext as _

from eventdesk.activities.jobfair.models import Posting
from eventdesk.activities.jobfair.vocabulary import EDUCATION, EMPLOYER_KINDS


class PostingTexts:
    """The words of a list of postings (positions left, pay, education), looked up once."""

    def __init__(self):
        # Without arguments, gettext gives the translated pattern; each posting fills it in.
        self._left = _("%(left)s of %(positions)s positions left")
        self._pay_range = _("%(low)s–%(high)s yuan")
        self._pay_from = _("from %(low)s yuan")
        self._pay_to = _("up to %(high)s yuan")
        self._negotiable = _("Negotiable")
        self._any_education = _("Any education")
        self._education = {choice.value: str(choice.label) for choice in EDUCATION}
        self._kinds = {choice.value: str(choice.label) for choice in EMPLOYER_KINDS}

    def left(self, posting: Posting) -> str:
        return self._left % {"left": posting.remaining, "positions": posting.positions}

    def pay(self, posting: Posting) -> str:
        low, high = posting.pay_min, posting.pay_max
        if low is not None and high is not None:
            return self._pay_range % {"low": low, "high": high}
        if low is not None:
            return self._pay_from % {"low": low}
        if high is not None:
            return self._pay_to % {"high": high}
        return self._negotiable

    def education(self, posting: Posting) -> str:
        return self._education.get(posting.education, self._any_education)

    def employer_kind(self, kind: str) -> str:
        return self._kinds.get(kind, kind)
