"""Which sender domains belong to a force: its listed domains, its FOI address's, their
subdomains, and the older Police National Network form of each."""

from forces.models import Force


def durham(**fields):
    return Force(name="Durham Constabulary", mail_domains="durham.police.uk", **fields)


def test_it_knows_a_force_by_its_domain_and_subdomains_only():
    assert durham().writes_from("durham.police.uk")
    assert durham().writes_from("Mail.Durham.Police.UK.")
    assert not durham().writes_from("notdurham.police.uk")
    assert not durham().writes_from("police.uk")


def test_it_knows_a_force_by_its_older_pnn_address():
    assert durham().writes_from("durham.pnn.police.uk")
    assert not durham().writes_from("cleveland.pnn.police.uk")
    listed_as_pnn = Force(name="Durham Constabulary", mail_domains="durham.pnn.police.uk")
    assert listed_as_pnn.writes_from("durham.police.uk")


def test_it_knows_a_force_by_its_foi_address_s_domain():
    force = Force(name="Civil Nuclear Constabulary", foi_email="foi@cnc.pnn.police.uk")
    assert force.writes_from("cnc.police.uk")
