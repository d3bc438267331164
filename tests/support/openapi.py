"""Checking real API answers against the OpenAPI document the server serves."""

import jsonschema


def check(document, path, method, response):
    """Validate a real response against the schema the document gives for its status."""
    operation = document["paths"][path][method]
    declared = operation["responses"].get(str(response.status_code))
    assert declared, f"{method.upper()} {path} answered {response.status_code}, which is not documented"
    schema = declared["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({**schema, "components": document["components"]}).validate(
        response.get_json()
    )
