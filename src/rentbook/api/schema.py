"""The OpenAPI description of the client token (loaded by the app's ready())."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "rentbook.api.auth.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A client's token, made by `rentbook api_client create`.",
        }
