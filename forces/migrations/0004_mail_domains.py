from django.db import migrations, models

# The domains forces write from (police.uk addresses), for matching their replies
# (README: Replies). Staff edit them on each force; only empty ones are filled here.
MAIL_DOMAINS = {
    "Metropolitan Police Service": "met.police.uk",
    "Cumbria Constabulary": "cumbria.police.uk",
    "Lancashire Constabulary": "lancashire.police.uk",
    "Merseyside Police": "merseyside.police.uk",
    "Greater Manchester Police": "gmp.police.uk",
    "Cheshire Constabulary": "cheshire.police.uk",
    "Northumbria Police": "northumbria.police.uk",
    "Durham Constabulary": "durham.police.uk",
    "North Yorkshire Police": "northyorkshire.police.uk",
    "West Yorkshire Police": "westyorkshire.police.uk",
    "South Yorkshire Police": "southyorkshire.police.uk",
    "Humberside Police": "humberside.police.uk",
    "Cleveland Police": "cleveland.police.uk",
    "West Midlands Police": "westmidlands.police.uk",
    "Staffordshire Police": "staffordshire.police.uk",
    "West Mercia Police": "westmercia.police.uk",
    "Warwickshire Police": "warwickshire.police.uk",
    "Derbyshire Constabulary": "derbyshire.police.uk",
    "Nottinghamshire Police": "nottinghamshire.police.uk",
    "Lincolnshire Police": "lincs.police.uk",
    "Leicestershire Police": "leics.police.uk",
    "Northamptonshire Police": "northants.police.uk",
    "Cambridgeshire Constabulary": "cambs.police.uk",
    "Norfolk Constabulary": "norfolk.police.uk",
    "Suffolk Constabulary": "suffolk.police.uk",
    "Bedfordshire Police": "bedfordshire.police.uk",
    "Hertfordshire Constabulary": "herts.police.uk",
    "Essex Police": "essex.police.uk",
    "Thames Valley Police": "thamesvalley.police.uk",
    "Hampshire and Isle of Wight Constabulary": "hampshire.police.uk",
    "Surrey Police": "surrey.police.uk",
    "Kent Police": "kent.police.uk",
    "Sussex Police": "sussex.police.uk",
    "City of London Police": "cityoflondon.police.uk",
    "Devon and Cornwall Police": "devonandcornwall.police.uk",
    "Avon and Somerset Constabulary": "avonandsomerset.police.uk",
    "Gloucestershire Constabulary": "gloucestershire.police.uk",
    "Wiltshire Police": "wiltshire.police.uk",
    "Dorset Police": "dorset.police.uk",
    "North Wales Police": "northwales.police.uk",
    "Gwent Police": "gwent.police.uk",
    "South Wales Police": "south-wales.police.uk",
    "Dyfed-Powys Police": "dyfed-powys.police.uk",
    "Police Scotland": "scotland.police.uk",
    "Police Service of Northern Ireland": "psni.police.uk",
    "British Transport Police": "btp.police.uk",
}


def fill_mail_domains(apps, schema_editor):
    Force = apps.get_model("forces", "Force")
    for force in Force.objects.filter(name__in=MAIL_DOMAINS, mail_domains=""):
        force.mail_domains = MAIL_DOMAINS[force.name]
        force.save(update_fields=["mail_domains"])


class Migration(migrations.Migration):
    dependencies = [("forces", "0003_regime_choices")]

    operations = [
        migrations.AddField(
            model_name="force",
            name="mail_domains",
            field=models.TextField(
                blank=True,
                help_text='The domains the force\'s staff write from, separated by ";" (e.g. '
                '"northumbria.police.uk"). A reply from one of them is filed under the force\'s '
                "one open request when nothing more certain names it; subdomains count too.",
            ),
        ),
        migrations.RunPython(fill_mail_domains, migrations.RunPython.noop),
    ]
