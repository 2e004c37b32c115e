"""Topics of cooperation and the three IURC thematic clusters they belong to."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import PlainSerializer


class Cluster(StrEnum):
    """The three IURC thematic clusters; thematic cluster events are organised per cluster."""

    ECOLOGICAL_TRANSITION = "ecological_transition"
    URBAN_RENEWAL = "urban_renewal"
    INNOVATIVE_ECOSYSTEMS = "innovative_ecosystems"

    @property
    def label(self) -> str:
        return _CLUSTER_TITLES[self]


_CLUSTER_TITLES = {
    Cluster.ECOLOGICAL_TRANSITION: "Ecological transition & green deal",
    Cluster.URBAN_RENEWAL: "Urban & regional renewal & social cohesion",
    Cluster.INNOVATIVE_ECOSYSTEMS: "Innovative, sustainable & carbon-neutral ecosystems",
}


class Topic(StrEnum):
    """The interests the seed presentation names for its cities."""

    AIR_QUALITY_NOISE = "air_quality_noise"
    URBAN_HEAT_ISLAND = "urban_heat_island"
    SUSTAINABLE_GREEN_MOBILITY = "sustainable_green_mobility"
    SMART_URBAN_MOBILITY = "smart_urban_mobility"
    CARBON_NEUTRAL_CITY = "carbon_neutral_city"
    CIRCULAR_ECONOMY = "circular_economy"
    URBAN_ENVIRONMENT = "urban_environment"
    SMART_CITY = "smart_city"
    PUBLIC_LIGHTING = "public_lighting"
    INNOVATION_IOT = "innovation_iot"
    E_GOVERNANCE = "e_governance"
    OPEN_DATA = "open_data"
    HYDROGEN_VEHICLES = "hydrogen_vehicles"
    SMART_MANUFACTURING = "smart_manufacturing"
    ENERGY_EFFICIENCY = "energy_efficiency"
    CIVIC_PARTICIPATION = "civic_participation"
    PUBLIC_TRANSPORT_FARES = "public_transport_fares"
    URBAN_REGENERATION = "urban_regeneration"

    @property
    def cluster(self) -> Cluster:
        return CLUSTER_OF[self]


CLUSTER_OF: dict[Topic, Cluster] = {
    Topic.AIR_QUALITY_NOISE: Cluster.ECOLOGICAL_TRANSITION,
    Topic.URBAN_HEAT_ISLAND: Cluster.ECOLOGICAL_TRANSITION,
    Topic.CIRCULAR_ECONOMY: Cluster.ECOLOGICAL_TRANSITION,
    Topic.URBAN_ENVIRONMENT: Cluster.ECOLOGICAL_TRANSITION,
    Topic.ENERGY_EFFICIENCY: Cluster.ECOLOGICAL_TRANSITION,
    Topic.HYDROGEN_VEHICLES: Cluster.ECOLOGICAL_TRANSITION,
    Topic.URBAN_REGENERATION: Cluster.URBAN_RENEWAL,
    Topic.CIVIC_PARTICIPATION: Cluster.URBAN_RENEWAL,
    Topic.PUBLIC_TRANSPORT_FARES: Cluster.URBAN_RENEWAL,
    Topic.PUBLIC_LIGHTING: Cluster.URBAN_RENEWAL,
    Topic.E_GOVERNANCE: Cluster.URBAN_RENEWAL,
    Topic.SUSTAINABLE_GREEN_MOBILITY: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.SMART_URBAN_MOBILITY: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.CARBON_NEUTRAL_CITY: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.SMART_CITY: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.INNOVATION_IOT: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.OPEN_DATA: Cluster.INNOVATIVE_ECOSYSTEMS,
    Topic.SMART_MANUFACTURING: Cluster.INNOVATIVE_ECOSYSTEMS,
}


Topics = Annotated[frozenset[Topic], PlainSerializer(sorted, return_type=list[Topic])]
"""A set of topics that serialises in one order everywhere, so equal events have equal JSON."""

Keys = Annotated[frozenset[str], PlainSerializer(sorted, return_type=list[str])]
"""A set of strings that serialises sorted, for the same reason."""
