from django.core.exceptions import ValidationError
from django.db import models

from returns import regimes


class Force(models.Model):
    """A police force that FOI requests are sent to (the directory of forces)."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
        UK = "uk", "UK-wide"

    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", "Territorial"
        SPECIAL = "special", "Special (UK-wide)"

    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=60)
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, help_text="ONS police force area code, if any."
    )
    nation = models.CharField(max_length=20, choices=Nation.choices)
    regime = models.CharField(
        "FOI regime", max_length=regimes.CODE_MAX_LENGTH, choices=regimes.choices
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TERRITORIAL)
    foi_email = models.EmailField("FOI email address", blank=True)
    active = models.BooleanField(default=True)
    aliases = models.TextField(
        blank=True,
        help_text='Other names forces and spreadsheets use, separated by ";" '
        '(e.g. "Met Police; MPS").',
    )
    mail_domains = models.TextField(
        blank=True,
        help_text='The domains the force\'s staff write from, separated by ";" (e.g. '
        '"northumbria.police.uk"). A reply from one of them is filed under the force\'s one '
        "open request when nothing more certain names it; subdomains count too.",
    )

    class Meta:
        ordering = ["name"]
        # Caseworkers edit a force's addresses and aliases; who the force is (name, codes,
        # nation, regime, kind, active) only Administrators (README: Staff roles).
        permissions = [
            (
                "edit_force_directory",
                "Can edit a force's name, codes, nation, regime, kind and active flag",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~models.Q(ons_code=""),
                name="force_ons_code_unique_when_set",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def law(self) -> regimes.Regime:
        """The rules of the force's FOI regime (returns.regimes)."""
        return regimes.get(self.regime)

    @property
    def alias_list(self):
        return [
            alias.strip() for alias in self.aliases.replace("\n", ";").split(";") if alias.strip()
        ]

    @property
    def mail_domain_list(self):
        """The domains the force writes from: its listed ones and its FOI address's, lower case."""
        listed = self.mail_domains.replace("\n", ";").replace(",", ";").split(";")
        domains = [domain.strip().lower().lstrip("@").rstrip(".") for domain in listed]
        if "@" in self.foi_email:
            domains.append(self.foi_email.rsplit("@", 1)[1].lower())
        return list(dict.fromkeys(domain for domain in domains if domain))

    def writes_from(self, domain):
        """True when an address at `domain` belongs to this force (a subdomain counts)."""
        domain = without_pnn(domain.lower().rstrip("."))
        return any(
            domain == known or domain.endswith("." + known)
            for known in map(without_pnn, self.mail_domain_list)
        )

    def names(self):
        """Every name this force answers to in a spreadsheet."""
        return [self.name, self.short_name, self.ons_code, *self.alias_list]

    def clean(self):
        from forces.resolver import ForceResolver

        clashes = ForceResolver(Force.objects.exclude(pk=self.pk)).clashes_with(self.names())
        if clashes:
            raise ValidationError(
                {"aliases": f"Already used by another force: {'; '.join(clashes)}"}
            )


class Under18Population(models.Model):
    """ONS mid-year estimate of children (under 18) in a force's area, for rates per 10,000."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(
        help_text="Mid-year estimate year; used for the financial year starting that year "
        "(mid-2016 for 2016/17)."
    )
    under_18 = models.PositiveIntegerField("population under 18")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["force__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["force", "year"], name="one_population_per_force_year")
        ]
        verbose_name = "under-18 population"

    def __str__(self):
        return f"{self.force} mid-{self.year}: {self.under_18:,}"


PNN = ".pnn.police.uk"


def without_pnn(domain):
    """`durham.pnn.police.uk` -> `durham.police.uk`: forces still write from their older Police
    National Network addresses (e.g. freedomofinformation@durham.pnn.police.uk), which name the
    same force as its police.uk domain."""
    if domain.endswith(PNN):
        return domain[: -len(PNN)] + ".police.uk"
    return domain
