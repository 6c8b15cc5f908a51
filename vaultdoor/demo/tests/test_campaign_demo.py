"""The demo's awareness campaign: seeded with the centre, results made up from a fixed seed,
training assigned through the real rule (the demo agent has some), and left alone on a second
seed."""

import datetime as dt

import pytest

from vaultdoor.demo.campaigns import DEMO_CAMPAIGN, seed_campaign
from vaultdoor.demo.seed import seed_demo
from vaultdoor.mail.campaign_report import campaign_report
from vaultdoor.mail.models import Campaign, TrainingAssignment
from vaultdoor.people.models import Person

from .test_vault_demo import data_dir  # noqa: F401 - the vault demo's own data directory

pytestmark = pytest.mark.django_db

WEDNESDAY_AFTERNOON = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def test_the_demo_has_a_campaign_with_results_and_the_demo_agent_has_training(
        data_dir):  # noqa: F811
    lines: list[str] = []
    seed_demo(agents=12, seed=1, if_empty=False, echo=lines.append, now=WEDNESDAY_AFTERNOON)
    campaign = Campaign.objects.get(name=DEMO_CAMPAIGN)
    report = campaign_report(campaign)
    people = Person.objects.filter(status="active").count()
    assert report.summary["targets"] == report.summary["sent"] == people
    assert 0 < report.summary["clicked"] < people and report.summary["scanner_fetches"] > 0
    assert len(report.departments) > 1  # grouped by role: site files have no departments
    agent = Person.objects.get(account__user__username="demo-agent")
    assert TrainingAssignment.objects.filter(person=agent, completed_at=None).exists()
    assert TrainingAssignment.objects.count() == report.summary["clicked"]
    assert any("awareness campaign" in line for line in lines)
    assert not seed_campaign(echo=lines.append)
    assert Campaign.objects.count() == 1
