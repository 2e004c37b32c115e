"""Connecting to Temporal the one way every process of the service does it."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client, TLSConfig
from temporalio.service import RPCError, RPCStatusCode

from iurc.codec import data_converter
from iurc.settings import Settings
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES


def tls_config(settings: Settings) -> TLSConfig | bool:
    if settings.temporal_tls_client_cert is not None and settings.temporal_tls_client_key:
        return TLSConfig(
            client_cert=settings.temporal_tls_client_cert.read_bytes(),
            client_private_key=settings.temporal_tls_client_key.read_bytes(),
        )
    return settings.temporal_tls or settings.temporal_api_key is not None


async def connect(settings: Settings) -> Client:
    """A client with the pydantic data converter (encrypting when keys are configured), TLS
    and API key as the settings say."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(
            settings.key_ring(), admit_plaintext=settings.codec_admit_plaintext
        ),
        tls=tls_config(settings),
        api_key=(
            settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
        ),
    )


async def register_search_attributes(client: Client) -> list[str]:
    """Register the pairing search attributes that the namespace lacks; returns those added.

    A workflow that upserts an unregistered attribute fails its task until it exists, so
    every environment (tests, `iurc up`) registers them before starting pairings.
    """
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as rpc:
        if rpc.status is not RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()  # the time-skipping test server adds, but cannot list
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type)
        for key in ALL_SEARCH_ATTRIBUTES
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    return sorted(missing)
