"""Who sees which campaigns, who may keep the ledger, and a user's roles on one campaign.

- A campaign is seen by every role held over its task force (the township's leaders
  and staff above it, the task force's own staff, district viewers).
- Commanders (leaders, responsible leaders, supervisors, administrators over the
  township) create campaigns, change their settings and the published standard, and
  step the stages.
- The task force's staff (unit or community staff at the team unit) and the
  commanders keep the ledger: households, parcels, imports; they alone see owners'
  names, ID numbers and phones unmasked, and every opening of a household is logged.
- Everyone else who sees a campaign (district viewers, for instance) reads figures
  and a masked ledger.
"""

from __future__ import annotations

from django.db.models import QuerySet

from luoshi.accounts.types import Actor
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import ALL_ROLES, Rule, register
from luoshi.org.scope import scope_for
from luoshi.relocation.models import Campaign
from luoshi.relocation.workflow import CampaignRole

COMMANDERS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN})
TEAM_STAFF = frozenset({Role.UNIT_STAFF, Role.COMMUNITY_STAFF})
LEDGER_KEEPERS = COMMANDERS | TEAM_STAFF


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _team(obj: Campaign) -> Unit:
    return obj.team


def _unit(obj: Campaign) -> Unit:
    return obj.unit


VIEW = "relocation.campaign.view"


def register_rules() -> None:
    """Add the campaign actions to the central rule table (called from ``RelocationConfig.ready``)."""
    register(VIEW, Rule(ALL_ROLES, _team))
    register("relocation.campaign.create", Rule(COMMANDERS, _unit_itself, view_action="unit.view"))
    register("relocation.campaign.edit", Rule(COMMANDERS, _unit, view_action=VIEW))
    register("relocation.ledger.edit", Rule(LEDGER_KEEPERS, _team, view_action=VIEW))
    register("relocation.household.reveal", Rule(LEDGER_KEEPERS, _team, view_action=VIEW))


def campaigns_visible_to(user: Actor) -> QuerySet[Campaign]:
    """The base of every campaign read: campaigns whose task force lies in the user's scope."""
    scope = scope_for(user)
    if scope.is_empty:
        return Campaign.objects.none()
    if scope.is_all:
        return Campaign.objects.all()
    return Campaign.objects.filter(scope.unit_q("team"))


def campaign_roles(user: Actor, campaign: Campaign) -> frozenset[str]:
    """The user's relation to ``campaign`` (see :mod:`luoshi.relocation.workflow`)."""
    scope = scope_for(user)
    roles: set[str] = set()
    if scope.roles_at(campaign.unit) & COMMANDERS:
        roles.add(CampaignRole.COMMANDER)
    if scope.roles_at(campaign.team) & TEAM_STAFF:
        roles.add(CampaignRole.TEAM)
    return frozenset(roles)


def can_create_somewhere(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & COMMANDERS)


READERS = LEDGER_KEEPERS | frozenset({Role.DISTRICT_VIEWER})


def may_open_campaigns(user: Actor) -> bool:
    """Show the 征迁 menu entry to commanders, staff and district viewers (no query: nav runs on
    every page). Grid workers, who take no part in a campaign, do not get it."""
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & READERS)
