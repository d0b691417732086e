# The part of webpush.types (pydantic models) that pwa/push.py uses.
from typing import Any, Self

class WebPushKeys:
    p256dh: str
    auth: str
    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = ..., **values: Any) -> Self: ...

class WebPushSubscription:
    endpoint: str
    keys: WebPushKeys
    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = ..., **values: Any) -> Self: ...
