"""Creates what the functions expect to exist: the table, the user pool with its app client
and groups, the SES sender identity and the admin's user.

The table, pool, client and groups are as template.yaml declares them.

Stage two: runs inside the venv (boto3, PyYAML, cryptography).
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import time
from pathlib import Path

import boto3
from botocore.config import Config

from .common import REGION, TEMPLATE, StackError, say

SENDER_EMAIL = "orders@orderdesk.local"
SELLER_NOTIFY_EMAIL = "seller@orderdesk.local"
ADMIN_EMAIL = "admin@orderdesk.local"
ADMIN_GROUP = "admins"


def describe_template() -> dict:
    """The requests that create the template's table, user pool, app client and groups, by API
    operation, short of the names chosen here."""
    template = load_template(TEMPLATE)
    table, ttl = table_request(the_resource(template, "Table", "AWS::DynamoDB::Table"), "")
    del table["TableName"]
    pool = user_pool_request(the_resource(template, "UserPool", "AWS::Cognito::UserPool"), "")
    del pool["PoolName"]
    groups = []
    for group in resources_of_type(template, "AWS::Cognito::UserPoolGroup").values():
        props = group.get("Properties") or {}
        if not isinstance(props.get("GroupName"), str):
            continue
        request = {"GroupName": props["GroupName"]}
        if isinstance(props.get("Description"), str):
            request["Description"] = props["Description"]
        if "Precedence" in props:
            request["Precedence"] = as_int(props["Precedence"])
        groups.append(request)
    return {
        "CreateTable": table,
        "UpdateTimeToLive": {"TimeToLiveSpecification": ttl} if ttl else None,
        "CreateUserPool": pool,
        "CreateUserPoolClient": user_pool_client_request(
            the_resource(template, "UserPoolClient", "AWS::Cognito::UserPoolClient")),
        "CreateGroup": groups,
    }


def load_template(path: Path) -> dict:
    import yaml

    class CfnLoader(yaml.SafeLoader):
        pass

    def intrinsic(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix in ("Ref", "Condition"):
            return {suffix: value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{suffix}": value}

    CfnLoader.add_multi_constructor("!", intrinsic)
    try:
        with open(path) as f:
            template = yaml.load(f, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise StackError(f"cannot read {path}: {error}") from None
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise StackError(f"{path} has no Resources")
    return template


def resources_of_type(template: dict, kind: str) -> dict[str, dict]:
    return {name: res for name, res in template["Resources"].items()
            if isinstance(res, dict) and res.get("Type") == kind}


def the_resource(template: dict, logical_id: str, kind: str) -> dict:
    res = template["Resources"].get(logical_id)
    if not (isinstance(res, dict) and res.get("Type") == kind):
        found = resources_of_type(template, kind)
        if len(found) != 1:
            raise StackError(f"template.yaml: expected Resources.{logical_id} of type {kind}")
        res = next(iter(found.values()))
    return res.get("Properties") or {}


def is_intrinsic(value) -> bool:
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Condition") or \
                any(k.startswith("Fn::") for k in value):
            return True
        return any(is_intrinsic(v) for v in value.values())
    if isinstance(value, list):
        return any(is_intrinsic(v) for v in value)
    return False


def as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_int(value) -> int:
    return int(str(value).strip())


def table_request(props: dict, name: str) -> tuple[dict, dict | None]:
    """CreateTable parameters and the TimeToLiveSpecification (or None) from the CFN table."""
    billing = props.get("BillingMode", "PROVISIONED")
    default_throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}

    def throughput(source: dict) -> dict:
        given = source.get("ProvisionedThroughput") or default_throughput
        return {k: as_int(given[k]) for k in ("ReadCapacityUnits", "WriteCapacityUnits")}

    def index(source: dict) -> dict:
        out = {"IndexName": source["IndexName"], "KeySchema": source["KeySchema"],
               "Projection": source.get("Projection") or {"ProjectionType": "ALL"}}
        if billing == "PROVISIONED":
            out["ProvisionedThroughput"] = throughput(source)
        return out

    request = {"TableName": name, "AttributeDefinitions": props["AttributeDefinitions"],
               "KeySchema": props["KeySchema"], "BillingMode": billing}
    if billing == "PROVISIONED":
        request["ProvisionedThroughput"] = throughput(props)
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [index(g) for g in props["GlobalSecondaryIndexes"]]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [
            {k: v for k, v in index(i).items() if k != "ProvisionedThroughput"}
            for i in props["LocalSecondaryIndexes"]]
    stream = props.get("StreamSpecification") or {}
    if stream.get("StreamViewType"):
        request["StreamSpecification"] = {"StreamEnabled": True,
                                          "StreamViewType": stream["StreamViewType"]}
    ttl = props.get("TimeToLiveSpecification")
    if ttl and as_bool(ttl.get("Enabled", True)) and ttl.get("AttributeName"):
        return request, {"AttributeName": ttl["AttributeName"], "Enabled": True}
    return request, None


def user_pool_request(props: dict, name: str) -> dict:
    """CreateUserPool parameters from the CFN user pool (the settings moto can honour)."""
    request: dict = {"PoolName": name}
    for key in ("UsernameAttributes", "AliasAttributes", "AutoVerifiedAttributes",
                "UsernameConfiguration", "VerificationMessageTemplate",
                "EmailVerificationMessage", "EmailVerificationSubject",
                "UserAttributeUpdateSettings", "DeviceConfiguration"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = props[key]
    policy = ((props.get("Policies") or {}).get("PasswordPolicy")) or {}
    if policy:
        out = {}
        for key, value in policy.items():
            if key.startswith("Require"):
                out[key] = as_bool(value)
            elif key in ("MinimumLength", "TemporaryPasswordValidityDays", "PasswordHistorySize"):
                out[key] = as_int(value)
        request["Policies"] = {"PasswordPolicy": out}
    admin_create = props.get("AdminCreateUserConfig")
    if admin_create:
        out = {}
        if "AllowAdminCreateUserOnly" in admin_create:
            out["AllowAdminCreateUserOnly"] = as_bool(admin_create["AllowAdminCreateUserOnly"])
        if admin_create.get("InviteMessageTemplate") and \
                not is_intrinsic(admin_create["InviteMessageTemplate"]):
            out["InviteMessageTemplate"] = admin_create["InviteMessageTemplate"]
        request["AdminCreateUserConfig"] = out
    recovery = props.get("AccountRecoverySetting")
    if recovery:
        request["AccountRecoverySetting"] = {"RecoveryMechanisms": [
            {"Name": m["Name"], "Priority": as_int(m["Priority"])}
            for m in recovery.get("RecoveryMechanisms", [])]}
    schema = []
    for attribute in props.get("Schema") or []:
        item = {"Name": attribute["Name"]}
        if "AttributeDataType" in attribute:
            item["AttributeDataType"] = attribute["AttributeDataType"]
        for flag in ("DeveloperOnlyAttribute", "Mutable", "Required"):
            if flag in attribute:
                item[flag] = as_bool(attribute[flag])
        for constraints in ("NumberAttributeConstraints", "StringAttributeConstraints"):
            if attribute.get(constraints):
                item[constraints] = {k: str(v) for k, v in attribute[constraints].items()}
        schema.append(item)
    if schema:
        request["Schema"] = schema
    return request


def user_pool_client_request(props: dict) -> dict:
    request = {"ClientName": props.get("ClientName") or "orderdesk", "GenerateSecret": False}
    for key in ("ExplicitAuthFlows", "PreventUserExistenceErrors", "ReadAttributes",
                "WriteAttributes", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
                "AllowedOAuthFlows", "AllowedOAuthScopes", "TokenValidityUnits"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = props[key]
    for key in ("IdTokenValidity", "AccessTokenValidity", "RefreshTokenValidity",
                "AuthSessionValidity"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = as_int(props[key])
    for key in ("EnableTokenRevocation", "AllowedOAuthFlowsUserPoolClient",
                "EnablePropagateAdditionalUserContextData"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = as_bool(props[key])
    return request


def password_policy(spec: dict) -> dict:
    """The user pool's PasswordPolicy, which the passwords made here must meet."""
    return spec["CreateUserPool"].get("Policies", {}).get("PasswordPolicy", {})


def client(service: str, endpoint: str, probe: bool = False):
    """A boto3 client of a local server; a probe gives up fast, for waiting on start-up."""
    config = Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 1}) if probe \
        else Config(connect_timeout=3, read_timeout=30,
                    retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test", config=config)


def create_table(ddb, spec: dict, name: str) -> str:
    """The table `name`, created as the template declares it unless it exists (it is kept)."""
    try:
        ddb.describe_table(TableName=name)
        say(f"table {name} exists (kept)")
        return name
    except ddb.exceptions.ResourceNotFoundException:
        pass
    ddb.create_table(TableName=name, **spec["CreateTable"])
    for _ in range(300):
        if ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    if spec.get("UpdateTimeToLive"):
        ddb.update_time_to_live(TableName=name, **spec["UpdateTimeToLive"])
    say(f"created table {name}")
    return name


def create_user_pool(idp, spec: dict, name: str) -> tuple[str, str]:
    """(pool id, app client id) of the pool `name`, its client and groups, each made if missing."""
    pool_id = None
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == name:
                pool_id = pool["Id"]
    if pool_id is None:
        pool_id = idp.create_user_pool(PoolName=name, **spec["CreateUserPool"])["UserPool"]["Id"]

    client_request = spec["CreateUserPoolClient"]
    client_id = None
    for page in idp.get_paginator("list_user_pool_clients").paginate(
            UserPoolId=pool_id, MaxResults=60):
        for existing in page["UserPoolClients"]:
            if existing["ClientName"] == client_request["ClientName"]:
                client_id = existing["ClientId"]
    if client_id is None:
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, **client_request)[
            "UserPoolClient"]["ClientId"]

    for group in spec["CreateGroup"]:
        try:
            idp.create_group(UserPoolId=pool_id, **group)
        except idp.exceptions.GroupExistsException:
            pass
    say(f"user pool {pool_id}, app client {client_id}")
    return pool_id, client_id


def create_sender_identity(ses) -> None:
    try:
        ses.create_email_identity(EmailIdentity=SENDER_EMAIL)
    except ses.exceptions.AlreadyExistsException:
        pass


def create_admin(idp, pool_id: str, policy: dict, saved: Path | None) -> str:
    """The admin's user in the `admins` group; its password, kept in `saved` across restarts
    (None: a new one each time)."""
    password = None
    if saved is not None and saved.exists():
        password = saved.read_text().strip()
        if not password_meets(password, policy):
            password = None
    if password is None:
        password = make_password(policy)
        if saved is not None:
            saved.write_text(password + "\n")
            saved.chmod(0o600)
    try:
        idp.admin_create_user(
            UserPoolId=pool_id, Username=ADMIN_EMAIL, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": ADMIN_EMAIL},
                            {"Name": "email_verified", "Value": "true"},
                            {"Name": "name", "Value": "Demo Admin"}])
    except idp.exceptions.UsernameExistsException:
        pass
    idp.admin_set_user_password(UserPoolId=pool_id, Username=ADMIN_EMAIL,
                                Password=password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=ADMIN_EMAIL,
                                GroupName=ADMIN_GROUP)
    return password


def make_password(policy: dict) -> str:
    length = max(int(policy.get("MinimumLength", 8)), 16)
    alphabet = string.ascii_letters + string.digits
    while True:
        chars = [secrets.choice(alphabet) for _ in range(length)]
        if policy.get("RequireSymbols", False):
            chars[secrets.randbelow(length)] = secrets.choice("-_.!#%")
        password = "".join(chars)
        if password_meets(password, policy):
            return password


def password_meets(password: str, policy: dict) -> bool:
    symbols = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
    checks = [len(password) >= int(policy.get("MinimumLength", 8))]
    if policy.get("RequireLowercase", False):
        checks.append(any(c.islower() for c in password))
    if policy.get("RequireUppercase", False):
        checks.append(any(c.isupper() for c in password))
    if policy.get("RequireNumbers", False):
        checks.append(any(c.isdigit() for c in password))
    if policy.get("RequireSymbols", False):
        checks.append(any(c in symbols for c in password))
    return all(checks)


def write_moto_signing_key(path: Path) -> None:
    """moto signs every Cognito JWT with one RSA key shipped in its package; as PKCS#8 PEM."""
    import gzip
    from importlib import resources

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder = resources.files("moto") / "cognitoidp" / "resources"
    plain, packed = folder / "jwks-private.json", folder / "jwks-private.json.gz"
    if packed.is_file():
        jwk = json.loads(gzip.decompress(packed.read_bytes()))
    elif plain.is_file():
        jwk = json.loads(plain.read_text())
    else:
        raise StackError("moto ships no cognitoidp/resources/jwks-private.json(.gz)")
    if "keys" in jwk:
        jwk = jwk["keys"][0]

    def number(field: str) -> int:
        raw = jwk[field]
        return int.from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), "big")

    n, e, d = number("n"), number("e"), number("d")
    p, q = (number("p"), number("q")) if "p" in jwk else rsa.rsa_recover_prime_factors(n, e, d)
    key = rsa.RSAPrivateNumbers(
        p=p, q=q, d=d, dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q), public_numbers=rsa.RSAPublicNumbers(e, n)).private_key()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.write_bytes(pem)
