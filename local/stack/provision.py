"""Creates what the functions expect to exist: the table, the user pool with its app client
and groups, the SES sender identity, the KMS key that seals secrets at rest, the event bus, the
webhooks' queue and the admin's user.

The table, pool, client and groups are as template.yaml declares them. The template has one
reader, the Rust side: `orderdesk-local describe-template` prints the CreateTable,
UpdateTimeToLive, CreateUserPool, CreateUserPoolClient and CreateGroup requests as JSON
(short of the names chosen here), and this module sends them with boto3 as they are.

Stage two: runs inside the venv (boto3, cryptography).
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config

from .common import REGION, TEMPLATE, StackError, say

SENDER_EMAIL = "orders@orderdesk.local"
SELLER_NOTIFY_EMAIL = "seller@orderdesk.local"
ADMIN_EMAIL = "admin@orderdesk.local"
ADMIN_GROUP = "admins"


def describe_template(binary: Path) -> dict:
    """The requests that create the template's table, user pool, app client and groups."""
    argv = [str(binary), "describe-template", "--template", str(TEMPLATE)]
    rebuild = "rebuild it with `cargo build -p orderdesk-local` if it is older than this checkout"
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackError(f"cannot run {' '.join(argv)}: {error}") from None
    if result.returncode != 0:
        raise StackError(f"{' '.join(argv)} failed (exit {result.returncode}): "
                         f"{result.stderr.strip()}\n({rebuild})")
    try:
        spec = json.loads(result.stdout)
    except ValueError:
        raise StackError(f"{' '.join(argv)} printed no JSON ({rebuild})") from None
    missing = [key for key in ("CreateTable", "CreateUserPool", "CreateUserPoolClient",
                               "CreateGroup") if key not in spec]
    if missing:
        raise StackError(f"{' '.join(argv)} printed no {', '.join(missing)} ({rebuild})")
    return spec


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


def create_secrets_key(kms, name: str) -> str:
    """The ARN of a symmetric KMS key in moto, as template.yaml's SecretsKey, for SECRETS_KEY_ID.

    moto keeps its keys in memory: each start of the stack makes a new one, so an outbox item
    sealed under an earlier stack's key no longer opens (README "Secrets at rest").
    """
    key = kms.create_key(Description=f"{name}: secrets in outbox emails, sealed at rest",
                         KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")
    arn = key["KeyMetadata"]["Arn"]
    say(f"KMS key {arn}")
    return arn


def create_event_bus(events, name: str) -> str:
    """The name of an EventBridge bus in moto, as template.yaml's EventBus, for EVENT_BUS_NAME."""
    bus = f"{name}-events"
    try:
        events.create_event_bus(Name=bus)
    except events.exceptions.ResourceAlreadyExistsException:
        pass
    say(f"event bus {bus}")
    return bus


# Locally a failed webhook message is received again after this long rather than the
# template's 180 s (the gateway's queue pump shortens it further for a failed invocation).
WEBHOOK_VISIBILITY_TIMEOUT = 30
# As template.yaml's WebhookQueue.RedrivePolicy.
WEBHOOK_MAX_RECEIVE_COUNT = 5


def create_webhook_queue(sqs, name: str) -> str:
    """The URL of the webhooks' FIFO queue in moto, as template.yaml's WebhookQueue (named
    `${AWS::StackName}-webhooks.fifo` there, which the gateway's queue pump looks up), with its
    FIFO dead-letter queue; for WEBHOOK_QUEUE_URL."""
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    dlq_url = sqs.create_queue(QueueName=f"{name}-webhooks-dlq.fifo", Attributes=fifo)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": WEBHOOK_MAX_RECEIVE_COUNT}
    attributes = dict(fifo, VisibilityTimeout=str(WEBHOOK_VISIBILITY_TIMEOUT),
                      RedrivePolicy=json.dumps(redrive))
    url = sqs.create_queue(QueueName=f"{name}-webhooks.fifo", Attributes=attributes)["QueueUrl"]
    say(f"webhook queue {url}")
    return url


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
