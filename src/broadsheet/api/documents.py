"""The two descriptions of the API, rendered from `catalogue`: OpenAPI 3.1 (for people and
generators) and the discovery document Google's client libraries build themselves from
(`googleapiclient.discovery.build(..., discoveryServiceUrl=…)`), in Blogger v3's shape."""

from __future__ import annotations

from typing import Any

from broadsheet.api.catalogue import ERROR, OPERATIONS, SCHEMAS, Operation, Param
from broadsheet.api.errors import REASONS

Json = dict[str, Any]
SCOPES = {"read": "Read what the caller may read", "write": "Write as the studio would"}


# --- OpenAPI 3.1 ---------------------------------------------------------------------------


def openapi(root: str) -> Json:
    """The OpenAPI 3.1 document, with `root` (the API's base address) as its server."""
    paths: Json = {}
    for op in OPERATIONS:
        paths.setdefault("/" + op.path, {})[op.http.lower()] = _operation(op)
    schemas = {name: _schema(fields) for name, fields in SCHEMAS.items()}
    schemas["Error"] = _schema(ERROR)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Broadsheet API",
            "version": "v3",
            "summary": "Blogger API v3's resources, served by Broadsheet.",
            "description": "Errors are JSON bodies with a stable `reason`: "
            + ", ".join(sorted(REASONS))
            + ". See docs/api.md.",
        },
        "servers": [{"url": root.rstrip("/")}],
        "security": [{"bearer": []}, {"basic": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An app password."},
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "The user name, and an app password as the password.",
                },
            },
            "responses": {"Error": _error_response("A refusal: see the reason.")},
        },
    }


def _operation(op: Operation) -> Json:
    found: Json = {
        "operationId": op.id,
        "summary": op.summary,
        "tags": [op.id.split(".")[0]],
        "parameters": [_parameter(param) for param in op.params],
        "responses": _responses(op),
        "x-scope": op.scope,
    }
    if op.request:
        found["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{op.request}"}}
            },
        }
    if op.id == "media.insert":
        found["requestBody"] = _upload_body()
    if op.extension:
        found["x-broadsheet-extension"] = True
    return found


def _upload_body() -> Json:
    multipart = {
        "type": "object",
        "properties": {
            "image": {"type": "string", "contentMediaType": "application/octet-stream"},
            "alt": {"type": "string"},
        },
        "required": ["image"],
    }
    return {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": multipart},
            "image/*": {"schema": {"type": "string", "contentMediaType": "image/*"}},
        },
    }


def _responses(op: Operation) -> Json:
    if op.response:
        ok: Json = {
            "description": "OK",
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{op.response}"}}
            },
        }
        found: Json = {"200": ok}
    else:
        found = {"204": {"description": "Done"}}
    if op.http == "GET":
        found["304"] = {"description": "Not modified (If-None-Match, If-Modified-Since)"}
    for code in ("400", "401", "403", "404", "429"):
        found[code] = {"$ref": "#/components/responses/Error"}
    return found


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> Json:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameter(param: Param) -> Json:
    schema = _schema(param.type)
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.repeated:
        schema = {"type": "array", "items": schema}
    return {
        "name": param.name,
        "in": param.where,
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }


def _schema(spec: Any) -> Json:
    if isinstance(spec, dict):
        return {"type": "object", "properties": {k: _schema(v) for k, v in spec.items()}}
    if isinstance(spec, list):
        return {"type": "array", "items": _schema(spec[0])}
    if spec.startswith("["):
        return {"type": "array", "items": _schema(spec[1:-1])}
    if spec == "date-time":
        return {"type": "string", "format": "date-time"}
    if spec in ("string", "integer", "boolean"):
        return {"type": spec}
    return {"$ref": f"#/components/schemas/{spec}"}


# --- Google's discovery format -------------------------------------------------------------


def discovery(site: str) -> Json:
    """The discovery document: `site` is the install's origin with a final slash."""
    resources: Json = {}
    for op in OPERATIONS:
        resource, method = op.id.split(".")
        methods = resources.setdefault(resource, {"methods": {}})["methods"]
        methods[method] = _method(op)
    schemas = {name: _discovered(fields) | {"id": name} for name, fields in SCHEMAS.items()}
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": "blogger:v3",
        "name": "blogger",
        "version": "v3",
        "title": "Broadsheet's Blogger API v3",
        "description": "Blogger API v3's resources, served by Broadsheet.",
        "protocol": "rest",
        "rootUrl": site,
        "servicePath": "blogger/v3/",
        "baseUrl": site + "blogger/v3/",
        "parameters": {},
        "auth": {
            "oauth2": {"scopes": {name: {"description": text} for name, text in SCOPES.items()}}
        },
        "schemas": schemas,
        "resources": resources,
    }


def _method(op: Operation) -> Json:
    found: Json = {
        "id": f"blogger.{op.id}",
        "path": op.path,
        "httpMethod": op.http,
        "description": op.summary,
        "parameters": {param.name: _discovered_param(param) for param in op.params},
        "parameterOrder": op.path_params,
        "scopes": [op.scope],
    }
    if op.request:
        found["request"] = {"$ref": op.request}
    if op.response:
        found["response"] = {"$ref": op.response}
    return found


def _discovered_param(param: Param) -> Json:
    found: Json = {
        "type": param.type,
        "location": param.where,
        "description": param.description,
    }
    if param.required:
        found["required"] = True
    if param.repeated:
        found["repeated"] = True
    if param.choices:
        found["enum"] = list(param.choices)
    return found


def _discovered(spec: Any) -> Json:
    if isinstance(spec, dict):
        return {"type": "object", "properties": {k: _discovered(v) for k, v in spec.items()}}
    if isinstance(spec, list):
        return {"type": "array", "items": _discovered(spec[0])}
    if spec.startswith("["):
        return {"type": "array", "items": _discovered(spec[1:-1])}
    if spec == "date-time":
        return {"type": "string", "format": "date-time"}
    if spec in ("string", "integer", "boolean"):
        return {"type": spec}
    return {"$ref": spec}
