"""Demo data for `make dev`, made through the gateway's API as the admin: customers, products,
a price tier with a customer on it, checkout questions and a customer login that signs in with
a password. Best-effort: a failure warns and the rest goes on; a second start finds it there.

Stage two: runs inside the venv, with a boto3 Cognito client of moto.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from .common import say, warn
from .provision import make_password, password_meets


def _customer(name: str, email: str, tags: list[str], ordering_enabled: bool = True) -> dict:
    return {"name": name, "email": email, "tags": tags, "ordering_enabled": ordering_enabled}


DEMO_CUSTOMERS = [
    _customer("Acme Bakery Supplies", "orders@acmebakery.example", ["wholesale", "bakery"]),
    _customer("Northwind Traders", "purchasing@northwind.example", ["distributor", "priority"]),
    _customer("Blue Harbor Cafe", "hello@blueharborcafe.example", ["cafe", "net-30"]),
    _customer("Summit Office Interiors", "procurement@summitoffice.example", ["office", "net-30"]),
    _customer("Greenleaf Grocers", "buying@greenleafgrocers.example", ["retail", "grocery"]),
    _customer("Redwood Hardware Co.", "accounts@redwoodhardware.example", ["retail", "credit-hold"],
              ordering_enabled=False),
]


def _eur(cents: int) -> dict:
    return {"amount": cents, "currency": "EUR"}


def _product(sku: str, name: str, unit: str, cents: int, description: str) -> dict:
    return {"sku": sku, "name": name, "description": description, "unit": unit,
            "price": _eur(cents)}


DEMO_PRODUCTS = [
    _product("FLOUR-25", "Strong white flour, 25 kg", "sack", 2450,
             "Bread flour, 13% protein, milled in the Netherlands."),
    _product("RYE-10", "Wholegrain rye flour, 10 kg", "sack", 1675,
             "Stone-ground, for sourdough and pumpernickel."),
    _product("YEAST-500", "Instant dried yeast, 500 g", "pack", 695,
             "Vacuum-packed; keeps 24 months unopened."),
    _product("SUGAR-10", "Caster sugar, 10 kg", "bag", 1590, "Fine granulated cane sugar."),
    _product("BUTTER-5", "Unsalted butter, 5 kg block", "block", 3240,
             "82% fat, for laminated doughs. Chilled delivery."),
    _product("CAKEBOX-100", "Cake boxes 25 x 25 cm, pack of 100", "pack", 2890,
             "White card, window lid, flat-packed."),
]
# One tier, a discount off every list price and a fixed price for one SKU.
DEMO_TIER = {"name": "Wholesale", "discount_percent": 10,
             "prices": {"FLOUR-25": _eur(1990)}}
DEMO_TIER_CUSTOMER = "Acme Bakery Supplies"
# Set only when the seller has no checkout questions yet.
DEMO_CHECKOUT_QUESTIONS = [
    {"question_id": "po_number", "label": "Purchase order number", "required": True,
     "kind": "text"},
    {"question_id": "delivery_slot", "label": "Delivery slot", "required": False,
     "kind": "choice", "choices": ["Morning", "Afternoon"]},
]
# A login of DEMO_TIER_CUSTOMER that signs in with a password make dev generates (and keeps in
# .local/dev/demo-customer-password); made again on every start, as moto forgets its user.
DEMO_LOGIN = {"name": "Bea Baker", "email": "buyer@acmebakery.example"}


class DemoApiDown(Exception):
    """The gateway does not answer at all: no point in the rest of the demo data."""


class DemoApi:
    """JSON calls to the gateway as the admin, for the demo data."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None,
             idempotency_key: str | None = None) -> tuple[int, dict]:
        """(status, JSON body or {}); raises DemoApiDown when nothing answers."""
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(f"{self.base}{path}", method=method, data=data,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise DemoApiDown(f"{method} {path} failed: {error}") from None
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"detail": raw[:300].decode("utf-8", "replace")}
        return status, parsed if isinstance(parsed, dict) else {}

    @staticmethod
    def problem(status: int, body: dict) -> str:
        detail = body.get("detail") or body.get("title") or ""
        return f"HTTP {status}" + (f" {detail}" if detail else "")


class DemoData:
    """Seeds the demo data into the stack whose sign-ins `stack` (stack.json's content) holds."""

    def __init__(self, stack: dict, idp, state: Path, policy: dict):
        """`policy` is the pool's password policy, for when moto cannot tell it; `state` keeps
        the demo login's password across restarts."""
        self.stack, self.idp, self.state, self.policy = stack, idp, state, policy

    def seed(self) -> dict | None:
        """Seeds everything; the demo customer login ({email, password, customer}) or None."""
        stack = self.stack
        try:
            auth = self.idp.initiate_auth(
                ClientId=stack["user_pool_client_id"], AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": stack["admin_email"],
                                "PASSWORD": stack["admin_password"]})
            token = auth["AuthenticationResult"]["IdToken"]
        except Exception as error:  # noqa: BLE001 - demo data is a nicety
            warn(f"demo data skipped: cannot sign in as the admin: {error}")
            return None
        api = DemoApi(stack["api_url"], token)
        started = time.monotonic()
        login = None
        try:
            if not self._customers(api):
                return None
            tier_id = self._catalogue(api)
            customer_id = self._tier_customer(api, tier_id)
            # After the tier: the login's Cognito user records the account's tier when made.
            if customer_id:
                login = self._login(api, customer_id)
        except DemoApiDown as error:
            warn(f"demo data: {error}; the rest skipped")
        except Exception as error:  # noqa: BLE001 - demo data must never stop make dev
            warn(f"demo data: unexpected failure, the rest skipped: {error!r}")
        say(f"demo data done ({time.monotonic() - started:.1f}s)")
        return login

    def _customers(self, api: DemoApi) -> bool:
        created = existing = 0
        for customer in DEMO_CUSTOMERS:
            status, body = api.call("POST", "/admin/customers", customer,
                                    idempotency_key="demo-" + customer["email"])
            if status == 201:
                created += 1
            elif status in (200, 409):
                existing += 1
            elif status in (404, 405):
                warn(f"demo data skipped: the gateway answers {status} to POST /admin/customers "
                     "(route not built yet)")
                return False
            else:
                warn(f"demo data: {customer['name']}: {api.problem(status, body)}")
        say(f"demo customers: {created} created, {existing} already there")
        return True

    def _catalogue(self, api: DemoApi) -> str | None:
        """Products, the demo tier (its id, or None) and checkout questions if there are none."""
        created = existing = 0
        for product in DEMO_PRODUCTS:
            status, body = api.call("POST", "/admin/products", product)
            if status == 201:
                created += 1
            elif status in (200, 409):
                existing += 1
            else:
                warn(f"demo data: product {product['sku']}: {api.problem(status, body)}")
                if status in (404, 405):
                    break
        say(f"demo products: {created} created, {existing} already there")

        tier_id = None
        status, body = api.call("GET", "/admin/price-tiers")
        if status == 200:
            for tier in body.get("items") or []:
                if str(tier.get("name", "")).strip().lower() == DEMO_TIER["name"].lower():
                    tier_id = tier.get("tier_id")
            if tier_id:
                say(f"demo price tier {DEMO_TIER['name']} already there")
            else:
                status, body = api.call("POST", "/admin/price-tiers", DEMO_TIER)
                if status in (200, 201):
                    tier_id = body.get("tier_id")
                    say(f"demo price tier {DEMO_TIER['name']} created")
                else:
                    warn(f"demo data: price tier: {api.problem(status, body)}")
        else:
            warn(f"demo data: GET /admin/price-tiers: {api.problem(status, body)}")

        status, body = api.call("GET", "/admin/checkout-questions")
        if status == 200 and not body.get("questions"):
            status, body = api.call("PUT", "/admin/checkout-questions",
                                    {"questions": DEMO_CHECKOUT_QUESTIONS})
            if status == 200:
                say(f"demo checkout questions set ({len(DEMO_CHECKOUT_QUESTIONS)})")
            else:
                warn(f"demo data: checkout questions: {api.problem(status, body)}")
        elif status != 200:
            warn(f"demo data: GET /admin/checkout-questions: {api.problem(status, body)}")
        return tier_id

    def _tier_customer(self, api: DemoApi, tier_id: str | None) -> str | None:
        """Puts DEMO_TIER_CUSTOMER on the tier; its customer_id, or None when not found."""
        query = urlencode({"q": DEMO_TIER_CUSTOMER.split()[0]})
        status, body = api.call("GET", f"/admin/customers?{query}")
        if status != 200:
            warn(f"demo data: GET /admin/customers: {api.problem(status, body)}")
            return None
        customer = next((c for c in body.get("items") or []
                         if c.get("name") == DEMO_TIER_CUSTOMER and c.get("status") != "deleted"),
                        None)
        if customer is None:
            warn(f"demo data: no customer {DEMO_TIER_CUSTOMER!r}; no demo tier or login")
            return None
        customer_id = customer["customer_id"]
        if tier_id and customer.get("price_tier_id") != tier_id:
            status, body = api.call("PATCH", f"/admin/customers/{customer_id}",
                                    {"price_tier_id": tier_id})
            if status == 200:
                say(f"demo customer {DEMO_TIER_CUSTOMER} is on the {DEMO_TIER['name']} tier")
            else:
                warn(f"demo data: {DEMO_TIER_CUSTOMER} to tier {DEMO_TIER['name']}: "
                     f"{api.problem(status, body)}")
        return customer_id

    def _login(self, api: DemoApi, customer_id: str) -> dict | None:
        """DEMO_LOGIN with a password: made again on every start, as moto forgets its users."""
        idp = self.idp
        pool_id = self.stack["user_pool_id"]
        try:
            policy = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"].get(
                "Policies", {}).get("PasswordPolicy", {})
        except Exception:  # noqa: BLE001 - the template's policy is the pool's anyway
            policy = self.policy
        saved = self.state / "demo-customer-password"
        password = saved.read_text().strip() if saved.exists() else None
        if not password or not password_meets(password, policy):
            password = make_password(policy)
        path = f"/admin/customers/{customer_id}/logins"

        def create(email: str) -> tuple[int, dict]:
            return api.call("POST", path, {"name": DEMO_LOGIN["name"], "email": email,
                                           "mode": "password", "password": password})

        email = DEMO_LOGIN["email"]
        status, body = create(email)
        if status == 409:
            # Made by an earlier start: DynamoDB kept the login, moto lost its user.
            if self._delete_login(api, pool_id, path, email):
                status, body = create(email)
        if status == 409:
            # The address stays taken (the login could not be deleted, or another account has
            # it): the first free address of the form buyer+N@.
            local, domain = DEMO_LOGIN["email"].split("@", 1)
            for n in range(2, 100):
                email = f"{local}+{n}@{domain}"
                status, body = create(email)
                if status != 409:
                    break
            if status in (200, 201):
                warn(f"demo data: {DEMO_LOGIN['email']} stays taken; the demo login is {email}")
        if status not in (200, 201):
            warn(f"demo data: customer login {email}: {api.problem(status, body)}")
            return None
        saved.write_text(password + "\n")
        saved.chmod(0o600)
        say(f"demo customer login {email} ready")
        return {"email": email, "password": password, "customer": DEMO_TIER_CUSTOMER}

    def _delete_login(self, api: DemoApi, pool_id: str, path: str, email: str) -> bool:
        """Deletes the customer's live login with this email; whether the email is free now."""
        idp = self.idp
        status, body = api.call("GET", path)
        if status != 200:
            warn(f"demo data: GET {path}: {api.problem(status, body)}")
            return False
        login = next((item for item in body.get("items") or []
                      if str(item.get("email", "")).lower() == email.lower()
                      and item.get("status") != "deleted"), None)
        if login is None:
            return False  # another account's login has the address
        # Deleting disables the login's Cognito user first and fails (500) when there is none,
        # which is the case after a restart, as moto forgot it: this supervisor owns moto's pool
        # (it makes the admin's user too), so it puts a bare user back for the API to delete.
        try:
            idp.admin_get_user(UserPoolId=pool_id, Username=email)
        except idp.exceptions.UserNotFoundException:
            try:
                idp.admin_create_user(
                    UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                    UserAttributes=[{"Name": "email", "Value": email},
                                    {"Name": "email_verified", "Value": "true"}])
            except Exception as error:  # noqa: BLE001
                warn(f"demo data: cannot put back the Cognito user of {email}: {error}")
        except Exception as error:  # noqa: BLE001 - then let the API try as it is
            warn(f"demo data: cannot look up the Cognito user of {email}: {error}")
        target = f"/admin/logins/{login['login_id']}"
        status, body = api.call("DELETE", target)
        if status in (204, 404):
            return True
        warn(f"demo data: DELETE {target}: {api.problem(status, body)}")
        return False
