import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Concat, Lower, LPad, Now
from django.utils import timezone

from forces.models import Force
from jobs.progress import went_quiet
from returns import deadlines, placeholders, regimes
from returns.history import FigureHistory, History

measure_code_validator = RegexValidator(
    r"^[a-z0-9_]+$",
    "Use lower-case letters, digits and underscores, e.g. online_child_sexual_offences.",
)


class Campaign(models.Model):
    """One FOI round: the same request sent to many forces, asking for figures by period."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    measure = models.CharField(max_length=80, validators=[measure_code_validator])
    request_wording = models.TextField(
        help_text=placeholders.help_text(placeholders.WORDING, "The request as sent. ")
    )
    periods = models.JSONField(
        default=list,
        help_text='Financial years asked for, oldest first, e.g. ["2015/16", "2016/17"].',
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by mark_data_changed(): writers of figures and verification, a change of measure or
    # periods (save), requests added or removed, under-18 populations. The statistics snapshot
    # records the version it was computed from, so a stale snapshot is visible (and repaired);
    # figure writes are also recorded by FigureChange.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    history = History()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        inputs_changed = self.pk is not None and self._statistics_inputs() != getattr(
            self, "_inputs_as_loaded", self._statistics_inputs()
        )
        if not self._state.adding and kwargs.get("update_fields") is None:
            # data_version moves only by mark_data_changed(), in the database: a save of an
            # instance loaded earlier must not write its old number back.
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "data_version"
            ]
        super().save(*args, **kwargs)
        self._inputs_as_loaded = self._statistics_inputs()
        if inputs_changed:
            self.mark_data_changed()  # the statistics count this measure over these periods

    @classmethod
    def from_db(cls, db, field_names, values):
        campaign = super().from_db(db, field_names, values)
        campaign._inputs_as_loaded = campaign._statistics_inputs()
        return campaign

    def _statistics_inputs(self):
        return (self.__dict__.get("measure"), list(self.__dict__.get("periods") or []))

    def clean(self):
        errors = _placeholder_errors(self, {"request_wording": placeholders.WORDING})
        try:
            self._clean_periods()
        except ValidationError as error:
            errors |= error.message_dict
        if errors:
            raise ValidationError(errors)

    def _clean_periods(self):
        from returns.periods import normalise_period

        try:
            self.periods = [normalise_period(period) for period in self.periods or []]
        except ValueError as error:
            raise ValidationError({"periods": str(error)}) from None
        if not self.periods:
            raise ValidationError({"periods": "At least one period is needed."})
        if len(set(self.periods)) != len(self.periods):
            raise ValidationError({"periods": "A period is listed twice."})

    def previous_period(self, period):
        """The period before `period` in this campaign's list, or None for the first."""
        index = self.periods.index(period)
        return self.periods[index - 1] if index > 0 else None

    def mark_data_changed(self):
        """Call once per change of figures or their verification (imports: once per import).

        Bumps the data version and, on commit, enqueues the coalesced statistics recompute.
        """
        from returns.snapshots import schedule_recompute

        Campaign.objects.filter(pk=self.pk).update(data_version=F("data_version") + 1)
        schedule_recompute(self.pk)


class NonWorkingDay(models.Model):
    """A day off that `holidays` does not know yet (a new proclamation, a one-off bank holiday)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    applies_to = models.CharField(
        max_length=regimes.CODE_MAX_LENGTH,
        choices=regimes.applies_to_choices,
        default=regimes.ALL_FORCES,
    )

    class Meta:
        ordering = ["date"]
        verbose_name = "extra non-working day"

    def __str__(self):
        return f"{self.date:%d %b %Y} {self.name}"

    @classmethod
    def for_regime(cls, regime):
        """{date: name} of the extra days that apply to forces under `regime`."""
        rows = cls.objects.filter(applies_to__in=[regimes.ALL_FORCES, regime])
        return {row.date: row.name for row in rows}


class Exemption(models.Model):
    """An exemption a force may cite: FOIA 2000 Part II sections, or FOISA 2002 Part 2."""

    regime = models.CharField(max_length=regimes.CODE_MAX_LENGTH, choices=regimes.choices)
    section = models.CharField(max_length=10, help_text='e.g. "s.12"')
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["regime", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "section"], name="exemption_unique_section")
        ]

    def __str__(self):
        return f"{self.get_regime_display()} {self.section} {self.title}"


# Long overdue: this many of the force's working days past the effective due date.
LONG_OVERDUE_DAYS = 20


class FOIRequestQuerySet(models.QuerySet):
    """The request states as database queries, for lists and runs over many requests.

    Their rule for one request is returns/stages.py (`stage_of`); tests/returns/
    test_request_states.py checks that the two agree. The effective due date is the
    public-interest extension's date if any, else the statutory one.
    """

    def unsent(self):
        return self.filter(status=self.model.Status.NOT_SENT)

    def open(self):
        """Sent, with no final response yet: the clock running, or stopped for a clarification."""
        return self.filter(status__in=self.model.OPEN_STATUSES, responded_on__isnull=True)

    def answered(self):
        """Answered by the force: a final response recorded (status `answered` or
        `responded_on` set) or figures returned, verified or not (docs/domain.md). What
        "N of M forces answered" counts, wherever it is shown."""
        return self.filter(
            Q(status=self.model.Status.ANSWERED)
            | Q(responded_on__isnull=False)
            | Exists(Figure.objects.filter(request_id=OuterRef("pk")))
        )

    def awaiting_response(self):
        """Waiting for a final response against a due date: what the chasing ladder chases.

        Not while a delivery failure is unresolved, nor while a received reply that may end or
        stop the clock waits for staff: filed, to confirm its kind, or in Unmatched replies
        (returns/stages.py says the same).
        """
        awaiting = self.filter(
            Q(due_date__isnull=False) | Q(extended_due_date__isnull=False),
            status__in=self.model.AWAITING_STATUSES,
            responded_on__isnull=True,
            not_delivered_on__isnull=True,
        ).exclude(Exists(Correspondence.replies_to_confirm().filter(request=OuterRef("pk"))))
        from returns.replies.waiting import WaitingReplies  # it reads these models

        held = WaitingReplies.read().q()
        return awaiting.exclude(held) if held is not None else awaiting

    def not_yet_due(self, today):
        return self.awaiting_response().filter(_effective_due("gte", today))

    def overdue(self, today):
        """Past the effective due date with no final response (long overdue ones included)."""
        return self.awaiting_response().filter(_effective_due("lt", today))

    def long_overdue(self, today):
        """At least LONG_OVERDUE_DAYS of the force's own working days past the due date."""
        late = Q()
        for regime in regimes.codes():
            extra_days = NonWorkingDay.for_regime(regime)
            cutoff = deadlines.working_days_back(today, LONG_OVERDUE_DAYS, regime, extra_days)
            late |= Q(force__regime=regime) & _effective_due("lte", cutoff)
        return self.awaiting_response().filter(late)


def _effective_due(lookup, day):
    """The effective due date `lookup` `day`, e.g. ("lt", today)."""
    return Q(extended_due_date__isnull=False, **{f"extended_due_date__{lookup}": day}) | Q(
        extended_due_date__isnull=True, **{f"due_date__{lookup}": day}
    )


def new_reply_token():
    """12 random lower-case letters and digits (about 62 bits): unguessable, safe in an address."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))


class FOIRequest(models.Model):
    """One campaign's request to one force, with its statutory clock.

    Where a request stands (overdue, long overdue, its next chase step) is derived every day in
    returns/stages.py; `FOIRequest.objects` answers the same questions for many requests at once.
    """

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", "Not sent"
        AWAITING = "awaiting", "Awaiting response"
        CLARIFICATION = "clarification", "Clarification requested (clock stopped)"
        EXTENDED = "extended", "Public-interest extension"
        ANSWERED = "answered", "Final response received"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        FULL = "full", "Answered in full"
        PART = "part", "Answered in part"
        REFUSED = "refused", "Refused"
        NOT_HELD = "not_held", "Information not held"

    class ReviewOutcome(models.TextChoices):
        UPHELD = "upheld", "Original decision upheld"
        PARTLY = "partly", "Partly overturned"
        OVERTURNED = "overturned", "Overturned"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="requests")
    # Unguessable: the Reply-To address of every message about this request carries it
    # (foi+TOKEN@...), so a force's reply is filed under it with certainty.
    reply_token = models.CharField(
        max_length=16, unique=True, default=new_reply_token, editable=False
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NOT_SENT)
    reference = models.CharField("force's reference", max_length=80, blank=True)

    sent_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(
        null=True, blank=True, help_text="The day the force received it (the date of receipt)."
    )
    clarification_requested_on = models.DateField(null=True, blank=True)
    clarification_received_on = models.DateField(
        null=True,
        blank=True,
        help_text="FOIA s.1(3) / FOISA s.1(3): the clock restarts from the day the clarification "
        "reaches the force.",
    )
    due_date = models.DateField(null=True, blank=True, editable=False)
    extension_notice_on = models.DateField(
        "extension notice received on",
        null=True,
        blank=True,
        help_text="FOIA s.10(3) only: refusal notice extending the time for the public "
        "interest test.",
    )
    extended_due_date = models.DateField("estimated date (extension)", null=True, blank=True)

    not_delivered_on = models.DateField(
        "delivery failure on",
        null=True,
        blank=True,
        help_text="A delivery failure (bounce) came back on this day: the force may never have "
        "had the request, so its clock is not treated as running. Check the address, send "
        "again, then clear this.",
    )

    responded_on = models.DateField("final response on", null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    exemptions = models.ManyToManyField(Exemption, blank=True)
    response_note = models.TextField(blank=True)

    internal_review_requested_on = models.DateField(null=True, blank=True)
    internal_review_due_date = models.DateField(null=True, blank=True, editable=False)
    internal_review_responded_on = models.DateField(null=True, blank=True)
    internal_review_outcome = models.CharField(
        max_length=10, choices=ReviewOutcome.choices, blank=True
    )

    commissioner_complaint_on = models.DateField(null=True, blank=True)
    commissioner_reference = models.CharField(max_length=80, blank=True)
    commissioner_decision_on = models.DateField(null=True, blank=True)
    commissioner_outcome = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = History()

    objects = FOIRequestQuerySet.as_manager()

    # Sent and not yet answered; of those, the ones whose clock runs (a clarification stops it).
    OPEN_STATUSES = (Status.AWAITING, Status.EXTENDED, Status.CLARIFICATION)
    AWAITING_STATUSES = (Status.AWAITING, Status.EXTENDED)

    class Meta:
        ordering = ["campaign", "force__name"]
        verbose_name = "FOI request"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "force"], name="one_request_per_force")
        ]

    def __str__(self):
        return f"{self.force} — {self.campaign}"

    def save(self, *args, **kwargs):
        if self.moves_its_figures():
            raise ValidationError(self.moved_with_figures_message())
        self.refresh_deadlines()
        super().save(*args, **kwargs)
        self._owner_as_loaded = self._owner()

    MOVED_WITH_FIGURES = (
        "This request already has figures, which were returned by {force} for {campaign}: its "
        "force and campaign cannot change. Create a request for the other force or campaign."
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        foi_request = super().from_db(db, field_names, values)
        foi_request._owner_as_loaded = foi_request._owner()
        return foi_request

    def _owner(self):
        return (self.__dict__.get("force_id"), self.__dict__.get("campaign_id"))

    def moves_its_figures(self):
        """True when the force or campaign changed since loading and the request has figures:
        they would be exported under another force or round, with their verification."""
        loaded = getattr(self, "_owner_as_loaded", None)
        if self.pk is None or loaded is None or loaded == self._owner():
            return False
        return Figure.objects.filter(request_id=self.pk).exists()

    def moved_with_figures_message(self):
        force_id, campaign_id = self._owner_as_loaded
        return self.MOVED_WITH_FIGURES.format(
            force=Force.objects.get(pk=force_id), campaign=Campaign.objects.get(pk=campaign_id)
        )

    def refresh_deadlines(self, extra_days=None):
        """Derive the statutory due dates from the dates of receipt (never typed in by hand)."""
        start, review = self.clock_started_on, self.internal_review_requested_on
        self.due_date = self.internal_review_due_date = None
        if not (start or review):
            return
        law = self.law
        if extra_days is None:
            extra_days = NonWorkingDay.for_regime(law.code)
        if start:
            self.due_date = deadlines.due_date(start, law.code, law.reply_working_days, extra_days)
        if review:
            self.internal_review_due_date = deadlines.due_date(
                review, law.code, law.review.working_days, extra_days
            )

    def commissioner_deadline(self):
        """The last day to go to the Commissioner, counted from the internal review's answer
        (or, unanswered, its deadline), by the regime's rule: FOIA, the ICO expects a complaint
        within 6 weeks of the last substantive contact; FOISA s.47(4)(a), 6 months."""
        base = self.internal_review_responded_on or self.internal_review_due_date
        if base is None:
            return None
        return base + self.law.commissioner.complain_within

    def deadline_explanation(self):
        """How the due date was reached: each non-working day skipped after receipt, and why."""
        if not self.clock_started_on:
            return None
        return deadlines.skipped_days(
            self.clock_started_on, self.regime, extra_days=NonWorkingDay.for_regime(self.regime)
        )

    @property
    def our_reference(self):
        """The charity's reference for this request, in the subject of every message about it
        (e.g. "FOIR-00042"): short, stable, and unlike the forces' own references."""
        return f"FOIR-{self.pk:05d}" if self.pk else ""

    @property
    def regime(self):
        return self.force.regime

    @property
    def law(self) -> regimes.Regime:
        """The rules of the force's FOI regime (returns.regimes)."""
        return self.force.law

    @property
    def clock_started_on(self):
        """The date of receipt, or of the latest clarification, which restarts the clock."""
        return self.clarification_received_on or self.received_on

    @property
    def has_final_response(self):
        return self.responded_on is not None or self.status in (
            self.Status.ANSWERED,
            self.Status.WITHDRAWN,
        )

    @property
    def effective_due_date(self):
        return self.extended_due_date or self.due_date

    def clean(self):
        if (
            self.force_id
            and self.law.extension is None
            and (self.extension_notice_on or self.extended_due_date)
        ):
            raise ValidationError(
                {"extended_due_date": f"{self.law.short_name} has no public-interest extension."}
            )
        if self.responded_on and self.received_on and self.responded_on < self.received_on:
            raise ValidationError({"responded_on": "The response cannot precede receipt."})
        if self.moves_its_figures():
            raise ValidationError(self.moved_with_figures_message())


# The chase ladder's steps, lowest first (returns/chasing.py walks it; see docs/deadlines.md):
# Correspondence kinds the ladder takes once for each date of receipt of the request.
CHASE_KINDS = ["chaser", "second_chaser", "internal_review", "commissioner"]


class Correspondence(models.Model):
    """Every message in or out for a request (a force's reply file is the source of its figures)."""

    class Direction(models.TextChoices):
        OUT = "out", "Sent to force"
        IN = "in", "Received from force"

    class Kind(models.TextChoices):
        REQUEST = "request", "Request"
        CLARIFICATION = "clarification", "Clarification"
        CHASER = "chaser", "Chaser"
        SECOND_CHASER = "second_chaser", "Second chaser"
        INTERNAL_REVIEW = "internal_review", "Internal review request"
        COMMISSIONER = "commissioner", "Commissioner complaint"
        RESPONSE = "response", "Response"
        REVIEW_RESPONSE = "review_response", "Internal review response"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        AUTO_REPLY = "auto_reply", "Auto-reply / out of office"
        BOUNCE = "bounce", "Delivery failure"
        EXTENSION = "extension", "Public-interest extension notice"
        REFUSAL = "refusal", "Refusal"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        DRAFT = "draft", "Drafted, not sent"
        # Claimed by one run and handed to the mail server; never sent again by a re-run.
        SENDING = "sending", "Being sent (not yet confirmed)"
        SENT = "sent", "Sent"
        RECEIVED = "received", "Received"

    request = models.ForeignKey(FOIRequest, on_delete=models.CASCADE, related_name="correspondence")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SENT)
    date = models.DateField(help_text="Sent on (out) or received on (in).")
    address = models.CharField("to / from", max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    attachment = models.FileField(upload_to="correspondence/%Y/%m/", blank=True)
    message_id = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="The email's Message-ID (ours for a message sent, the sender's for one "
        "received).",
    )
    needs_attention = models.CharField(
        max_length=200, blank=True, help_text="Why staff must act on this by hand, if they must."
    )
    # A chase step the ladder took: the request's date of receipt it chased. A request sent
    # again after a delivery failure has a new one, and is chased afresh (docs/deadlines.md).
    chases_receipt_of = models.DateField(
        "chases the request received on",
        null=True,
        blank=True,
        editable=False,
        help_text="For a chase step taken by the ladder: the date of receipt it chased.",
    )
    # A received email's kind is suggested by returns/replies/classify.py and confirmed (or
    # changed) by staff; until then a suggested final response or refusal pauses the chasing.
    kind_confirmed = models.BooleanField(
        default=True, help_text="False while the kind is only the app's suggestion."
    )
    kind_reason = models.CharField(
        "why this kind", max_length=300, blank=True, help_text="What the suggestion rests on."
    )
    kind_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Suggested kinds that, until confirmed, stop the chasing ladder (the reply may end or
    # stop the clock: returns/stages.py). "other" too: a reply whose words could not be read as
    # any kind may be the answer, and chasing a force that has answered costs the charity more
    # than a pause until staff have read it.
    PAUSING_KINDS = ("response", "refusal", "clarification", "extension", "other")

    class Meta:
        ordering = ["date", "created_at"]
        verbose_name_plural = "correspondence"
        constraints = [
            # Each chase step is taken once for each date of receipt, whatever re-runs or
            # concurrent runs happen (rows logged by hand have none, and are not held by it).
            models.UniqueConstraint(
                fields=["request", "kind", "chases_receipt_of"],
                condition=Q(kind__in=CHASE_KINDS),
                name="one_chase_step_of_each_kind_per_receipt",
            )
        ]

    def __str__(self):
        kind, day = self.get_kind_display(), f"{self.date:%d/%m/%Y}"
        # Never "sent to force" for a message that was not (README: Send).
        if self.state == self.State.DRAFT:
            return f"{kind} — Draft — not sent ({day})"
        if self.state == self.State.SENDING:
            return f"{kind} — being sent, not yet confirmed ({day})"
        return f"{kind} {self.get_direction_display().lower()} {day}"

    @classmethod
    def replies_to_confirm(cls):
        """Received replies suggested as a final response, refusal, clarification or extension,
        or of no kind the wording showed, that staff have not confirmed yet: each pauses its
        request's chasing."""
        return cls.objects.filter(
            direction=cls.Direction.IN, kind_confirmed=False, kind__in=cls.PAUSING_KINDS
        )

    @property
    def sent_by_us(self):
        """One of our messages, gone: taken by the mail server, or marked sent by staff."""
        return self.direction == self.Direction.OUT and self.state == self.State.SENT

    @property
    def pauses_chasing(self):
        return (
            self.direction == self.Direction.IN
            and not self.kind_confirmed
            and self.kind in self.PAUSING_KINDS
        )


class InboundMessageQuerySet(models.QuerySet):
    def unmatched(self):
        """Waiting in Unmatched replies: neither filed under a request nor set aside."""
        return self.filter(correspondence__isnull=True, set_aside_at__isnull=True)


class InboundMessage(models.Model):
    """One email received (from the mailbox, a file or an upload), kept as it came.

    Each is stored once (its Message-ID is unique). Matched with certainty to a request, it is
    filed there as incoming Correspondence at once; otherwise it waits in Unmatched replies
    until staff file it (returns/replies/). The raw message and attachments are served only
    through the permission-checking file view (config/protected_files.py).
    """

    class MatchedBy(models.TextChoices):
        TOKEN = "token", "Reply address token"
        THREAD = "thread", "Reply to our message (In-Reply-To / References)"
        SUBJECT = "subject", "Our reference in the subject"
        FORCE_REFERENCE = "force_reference", "The force's reference"
        DOMAIN = "domain", "Sender's domain (the force's one open request)"
        STAFF = "staff", "Filed by staff"

    class Source(models.TextChoices):
        MAILBOX = "mailbox", "Mailbox (IMAP)"
        FILE = "file", "File (ingest_email)"
        UPLOAD = "upload", "Uploaded in the admin"

    message_id = models.CharField(max_length=255, unique=True)
    raw = models.FileField("raw message (.eml)", upload_to="inbound/%Y/%m/")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes, as received.")
    source = models.CharField(max_length=8, choices=Source.choices)
    sender = models.CharField(max_length=254, blank=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The message's Date header.")
    received_at = models.DateTimeField(
        default=timezone.now, help_text="When it reached the mailbox (the mail server's time)."
    )
    body = models.TextField(blank=True, help_text="As plain text (HTML converted, never shown).")
    request = models.ForeignKey(
        FOIRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices, blank=True)
    match_note = models.CharField(max_length=300, blank=True)
    suggested_kind = models.CharField(
        max_length=16, choices=Correspondence.Kind.choices, default=Correspondence.Kind.OTHER
    )
    kind_reason = models.CharField(max_length=300, blank=True)
    force_reference = models.CharField("force's reference seen", max_length=80, blank=True)
    problem = models.CharField(
        max_length=300, blank=True, help_text="What could not be read, and what was done."
    )
    correspondence = models.OneToOneField(
        Correspondence, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_aside_at = models.DateTimeField(
        "set aside on",
        null=True,
        blank=True,
        help_text="Set aside by staff as not a force's reply (spam, a newsletter, a colleague's "
        "note): out of Unmatched replies, kept in Received emails.",
    )
    set_aside_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "received email"

    def __str__(self):
        return f"{self.sender or 'unknown sender'}: {self.subject or '(no subject)'}"

    @property
    def is_filed(self):
        return self.correspondence_id is not None

    @property
    def is_set_aside(self):
        return self.set_aside_at is not None


class UnmatchedReply(InboundMessage):
    """The received emails not filed under a request nor set aside as not a force's reply (the
    admin's Unmatched replies list)."""

    class Meta:
        proxy = True
        verbose_name = "unmatched reply"
        verbose_name_plural = "unmatched replies"


class EmailAttachment(models.Model):
    """A file that came with a received email: type checked by content, size-limited, stored
    under a safe name; a refused one is listed with the reason (the raw message keeps it)."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="inbound/attachments/%Y/%m/", blank=True)
    name = models.CharField("safe name", max_length=120)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    refused = models.CharField(max_length=300, blank=True, help_text="Why it was not stored.")

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self):
        return self.name


class StoredFile(models.Model):
    """The bytes of a received email (.eml) or of one of its attachments, kept in the database
    rather than as a file under MEDIA_ROOT: stored in the same transaction as the email's rows,
    so a message is kept whole or not at all, and backed up with them. The storage
    (config/protected_files.py) reads a name under `inbound/` from here first, then from disk
    (where emails taken in before were kept)."""

    name = models.CharField(max_length=255, unique=True)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField()

    def __str__(self):
        return self.name


class MailboxCheck(models.Model):
    """The last time the mailbox was read, and how it went (one row, shown in the admin)."""

    checked_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    messages_taken = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "mailbox check"

    def __str__(self):
        return f"Mailbox checked {self.checked_at}"


class SendRun(models.Model):
    """One press of "Send unsent requests by email" for a campaign, sent by a Celery worker.

    The admin shows its progress from this row (returns/rounds.py `run_sending` updates it after
    each request), so the page can be reloaded, and it keeps the final summary.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Sending"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped by an error"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="send_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Unsent requests when it started.")
    sent = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0, help_text="No FOI address: drafted.")
    failed = models.PositiveIntegerField(default=0, help_text="The mail server refused them.")
    # One object per request handled, as `send_requests --json` prints them.
    outcomes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched after each request: a running send whose heartbeat stops has lost its worker.
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Sending {self.campaign} ({self.get_state_display().lower()})"

    def is_stalled(self, now):
        """Running, with no request handled for JOBS_STALLED_AFTER_MINUTES: the worker stopped
        (docs/long-work.md)."""
        quiet = timedelta(minutes=settings.JOBS_STALLED_AFTER_MINUTES)
        heartbeat = self.updated_at or self.started_at
        return self.state == self.State.RUNNING and went_quiet(heartbeat, now, quiet)

    @property
    def is_active(self):
        return self.state in self.ACTIVE_STATES

    @property
    def handled(self):
        return self.sent + self.flagged + self.failed

    @property
    def skipped(self):
        """Taken by another run meanwhile (or already recorded as being sent)."""
        return max(self.total - self.handled, 0) if not self.is_active else 0


class EmailTemplate(models.Model):
    """Editable wording of the messages the app sends, with placeholders (returns.placeholders)."""

    class Key(models.TextChoices):
        REQUEST = "request", "Request"
        CHASER = "chaser", "Chaser"
        SECOND_CHASER = "second_chaser", "Second chaser"
        INTERNAL_REVIEW = "internal_review", "Internal review request"
        COMMISSIONER_COMPLAINT = (
            "commissioner_complaint",
            "Commissioner complaint (draft for staff)",
        )
        COMMISSIONER_NOTICE = "commissioner_notice", "Commissioner notice to the force"

    key = models.CharField(max_length=24, choices=Key.choices)
    regime = models.CharField(max_length=regimes.CODE_MAX_LENGTH, choices=regimes.choices)
    subject = models.CharField(
        max_length=300, help_text="The same placeholders as the body, e.g. {campaign}."
    )
    body = models.TextField(help_text=placeholders.help_text(placeholders.EMAIL))

    class Meta:
        ordering = ["key", "regime"]
        constraints = [
            models.UniqueConstraint(fields=["key", "regime"], name="one_template_per_key_regime")
        ]

    def __str__(self):
        return f"{self.get_key_display()} ({self.get_regime_display()})"

    def clean(self):
        fields = {"subject": placeholders.EMAIL, "body": placeholders.EMAIL}
        errors = _placeholder_errors(self, fields)
        if errors:
            raise ValidationError(errors)


class ImportBatch(models.Model):
    """One confirmed import of a returns file: the file itself, who, when and the counts."""

    class Layout(models.TextChoices):
        LONG = "long", "Long (one figure a row)"
        WIDE = "wide", "Wide (one force's table)"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="imports")
    request = models.ForeignKey(
        FOIRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    layout = models.CharField(max_length=4, choices=Layout.choices, default=Layout.LONG)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    correspondence = models.ForeignKey(
        Correspondence,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
        help_text="The force's reply the file came with, when imported from its attachment.",
    )
    uploaded_by = models.ForeignKey(
        # Who entered, imported or verified a figure decides who may verify it: an account
        # that did is deactivated, never deleted (see returns/verification.py).
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        uploaded = timezone.localtime(self.uploaded_at)  # stored in UTC; shown in local time
        return f"{self.original_name or 'import'} ({uploaded:%d/%m/%Y %H:%M})"


class Figure(models.Model):
    """One returned number. Missing is never confused with zero: see `status`."""

    class Status(models.TextChoices):
        REPORTED = "reported", "Reported"  # a number, 0 included
        SUPPRESSED = "suppressed", "Suppressed"  # "<5", "*": the text is kept in raw_value
        NOT_HELD = "not_held", "Not held"
        NOT_PROVIDED = "not_provided", "Not provided"
        NOT_APPLICABLE = "not_applicable", "Not applicable"  # "N/A": kept apart from not held

    class Caveat(models.TextChoices):
        # What the force's title or notes said of the figure (returns/importing/caveats.py).
        PARTIAL_YEAR = "partial_year", "Partial year"  # left out of per-day and change figures
        PROVISIONAL = "provisional", "Provisional"
        EXTRACTED_ON = "extracted_on", "Data extraction date"

    request = models.ForeignKey(FOIRequest, on_delete=models.PROTECT, related_name="figures")
    period = models.CharField(max_length=7)
    measure = models.CharField(max_length=80)
    breakdown = models.CharField(
        max_length=40, blank=True, help_text="Empty for the headline total."
    )
    category = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REPORTED)
    value = models.PositiveIntegerField(null=True, blank=True)
    raw_value = models.CharField(max_length=40, blank=True, help_text="What the force wrote.")
    note = models.CharField(max_length=500, blank=True)
    caveat = models.CharField(
        max_length=20,
        choices=Caveat.choices,
        blank=True,
        help_text="The most serious caveat the force's table or note gave the figure.",
    )
    caveat_text = models.CharField(
        max_length=500, blank=True, help_text="The force's words the caveat was read from."
    )

    entered_by = models.ForeignKey(
        # Who entered, imported or verified a figure decides who may verify it: an account
        # that did is deactivated, never deleted (see returns/verification.py).
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        # A batch is a figure's source: it cannot go while the figures it brought are kept.
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="Empty when entered by hand.",
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_by = models.ForeignKey(
        # Who entered, imported or verified a figure decides who may verify it: an account
        # that did is deactivated, never deleted (see returns/verification.py).
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    history = FigureHistory()  # every row written by returns.history.record

    class Meta:
        ordering = ["request", "period", "breakdown", "category"]
        indexes = [
            # The figures list's period and breakdown filters read their values from these
            # (returns/admin/figures.py, distinct_values), not from every figure.
            models.Index(fields=["period"], name="figure_period"),
            models.Index(fields=["breakdown"], name="figure_breakdown"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "period", "measure", "breakdown", "category"],
                name="one_figure_per_cell",
            ),
            models.CheckConstraint(
                condition=(Q(status="reported") & Q(value__isnull=False))
                | (~Q(status="reported") & Q(value__isnull=True)),
                name="value_present_only_when_reported",
            ),
        ]
        permissions = [
            ("verify_figure", "Can verify figures entered by someone else"),
            ("export_dataset", "Can export verified datasets"),
        ]

    def __str__(self):
        cell = f"{self.breakdown}={self.category}" if self.breakdown else "total"
        return f"{self.request.force} {self.period} {cell}: {self.display_value}"

    def save(self, *args, **kwargs):
        if self.unverify_if_changed() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "verified_by", "verified_at"}
        super().save(*args, **kwargs)
        self._checked_as_loaded = self._checked_values()

    @property
    def display_value(self):
        if self.status == self.Status.REPORTED:
            return f"{self.value:,}"
        if self.status == self.Status.SUPPRESSED:
            return self.raw_value or "suppressed"
        return self.get_status_display().lower()

    @property
    def is_verified(self):
        return self.verified_at is not None

    # What a verifier checks against the force's reply: changing any of these after
    # verification sends the figure back to unverified (see returns/verification.py).
    CHECKED_FIELDS = (
        "request_id",
        "period",
        "measure",
        "breakdown",
        "category",
        "status",
        "value",
        "raw_value",
        "note",
        "caveat",
        "caveat_text",
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        figure = super().from_db(db, field_names, values)
        figure._checked_as_loaded = figure._checked_values()
        return figure

    def _checked_values(self):
        return {name: self.__dict__.get(name) for name in self.CHECKED_FIELDS}

    def checked_values_changed(self):
        """True when what the verifier checked differs from the row as loaded (or unknown)."""
        loaded = getattr(self, "_checked_as_loaded", None)
        return loaded is None or loaded != self._checked_values()

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None:
            self._checked_as_loaded = self._checked_values()

    def unverify_if_changed(self):
        """Clear verification when checked values changed; True if it did. Called by save().

        Bulk writes bypass save(): the import, the one bulk writer of checked values, clears
        verification itself (returns/importing/resource.py, before_save_instance).
        """
        if self.is_verified and not self._state.adding and self.checked_values_changed():
            self.verified_by = None
            self.verified_at = None
            return True
        return False


# Figures as staff read them (returns/breakdowns.py, age_order): each request's periods, the
# headline total first, then each breakdown's categories in their natural order: whole numbers
# (single-year ages, stored as "0".."17") by value, so 6 comes before 10; "unknown" after them;
# then the rest by name. For lists of figures; Figure.Meta.ordering stays as it is.
CATEGORY_ORDER = models.Case(
    models.When(
        category__regex=r"^[0-9]{1,9}$",
        then=Concat(models.Value("0"), LPad("category", 9, models.Value("0"))),
    ),
    models.When(category__iexact="unknown", then=models.Value("1")),
    default=Concat(models.Value("2"), Lower("category")),
    output_field=models.CharField(),
)
FIGURE_DISPLAY_ORDER = ["request", "period", "breakdown", CATEGORY_ORDER.asc(), "category"]


class PlausibilityWarning(models.Model):
    """Something odd about a figure, found on import: shown to the verifier, never blocking."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="warnings")
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["figure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "code"], name="one_warning_per_code")
        ]

    def __str__(self):
        return self.message


class StatsSnapshot(models.Model):
    """The stored statistics of a campaign: what pages and exports read."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="snapshot")
    data_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    figure_count = models.PositiveIntegerField(default=0)
    payload = models.JSONField(default=dict)

    def __str__(self):
        return f"Statistics of {self.campaign}"

    @property
    def is_stale(self):
        return (
            self.computed_at is None
            or self.data_version < self.campaign.data_version
            or FigureChange.of_campaign(self.campaign_id).exists()
        )


class FigureChange(models.Model):
    """A change to a request's figures that its campaign's statistics have not taken in yet.

    Written by database triggers on the figures table (returns/figure_changes.py), so every
    write path —
    admin, bulk action, history revert, import, command, shell, raw SQL — leaves one, and none
    can forget to. The recompute deletes the rows it has taken in (returns/snapshots.py); a
    campaign with rows left is out of date. Rows are appended, never updated, so writers do not
    queue behind each other on a shared counter row.
    """

    request = models.ForeignKey(
        "FOIRequest", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    changed_at = models.DateTimeField(db_default=Now())

    def __str__(self):
        return f"Figures of request {self.request_id} changed at {self.changed_at}"

    @classmethod
    def of_campaign(cls, campaign_id):
        return cls.objects.filter(request__campaign_id=campaign_id)


def _placeholder_errors(instance, allowed_by_field) -> dict[str, list[str]]:
    """Staff-written text may use only its fixed placeholders: refused on save, per field."""
    errors = {}
    for name, allowed in allowed_by_field.items():
        try:
            placeholders.validate(getattr(instance, name) or "", allowed)
        except placeholders.PlaceholderError as error:
            errors[name] = [str(error)]
    return errors
