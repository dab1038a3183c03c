"""Models of ``user.get_user_self`` (GET /me)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import List, Optional

from ..._codec import parse_timestamp
from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class GetUserSelfResponseBody(Model):
    r"""Responses for GET /me."""

    user_details: Optional[List[UserDetails]] = api_field("user_details")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class UserDetails(Model):
    r"""columns and relationships of "user_details"."""

    api_concurrency_slots: Optional[int] = api_field("apiConcurrencySlots")
    subscription_gpt_tokens: Optional[int] = api_field("subscriptionGptTokens")
    subscription_model_tokens: Optional[int] = api_field("subscriptionModelTokens")
    subscription_tokens: Optional[int] = api_field("subscriptionTokens")
    token_renewal_date: Optional[str] = api_field("tokenRenewalDate", nullable=True)
    user: Optional[Users] = api_field(
        "user", nullable=True, description='columns and relationships of "users"'
    )
    additional_properties: ExtraFields = extra_fields()

    @property
    def token_renewal_date_datetime(self) -> Optional[datetime.datetime]:
        """``token_renewal_date`` as a timezone-aware datetime (UTC if the API names no zone), or
        ``None`` when absent or not a timestamp."""
        return parse_timestamp(self.token_renewal_date)


@dataclasses.dataclass(repr=False)
class Users(Model):
    r"""columns and relationships of "users"."""

    id: Optional[str] = api_field("id", nullable=True)
    username: Optional[str] = api_field("username", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class GetUserSelfRequest:
    """``user.get_user_self`` takes no parameters."""


class GetUserSelfResponse(OperationResponse[GetUserSelfResponseBody]):
    """What ``user.get_user_self`` returns; ``object`` is the decoded body."""

    get_user_self_200_application_json_object = object_alias()
