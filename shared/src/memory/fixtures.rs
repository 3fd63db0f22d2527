//! What a unit test arranges before it runs a use case.

use super::Memory;
use crate::actor::Principal;
use crate::catalog::{
    CheckoutQuestion, CheckoutQuestions, Discount, PriceTier, Product, QuestionKind,
};
use crate::customers::{Customer, CustomerName, CustomerStatus};
use crate::domain::{Currency, Email, Money, Timestamp};
use crate::ids::{CustomerId, LoginId, Sku, TierId};
use crate::logins::{Login, LoginName, LoginStatus, SubLink};
use crate::session::{Session, SignedIn};
use std::collections::{BTreeMap, BTreeSet};

pub fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::parse("EUR").expect("a code")).expect("an amount")
}

pub fn admin() -> Principal {
    Principal {
        sub: "admin-sub".into(),
        email: Some("admin@seller.example".into()),
        ..Default::default()
    }
}

pub fn email(raw: &str) -> Email {
    Email::parse(raw).expect("an address")
}

impl Memory {
    /// An active account that may order, changed by `f` first.
    pub fn customer(&self, name: &str, f: impl FnOnce(&mut Customer)) -> Customer {
        let now = Timestamp::now();
        let mut c = Customer {
            customer_id: CustomerId::generate(),
            name: CustomerName::parse(name).expect("a name"),
            email: email(&format!(
                "orders@{}.example",
                name.to_lowercase().replace(' ', "-")
            )),
            phone: None,
            address: None,
            status: CustomerStatus::Active,
            ordering_enabled: true,
            price_tier_id: None,
            tags: BTreeSet::new(),
            fulfillment_team: None,
            fulfillment_team_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        f(&mut c);
        let mut s = self.state();
        s.customer_emails
            .insert(c.email.clone(), c.customer_id.clone());
        s.customers.insert(c.customer_id.clone(), c.clone());
        c
    }

    /// An active product at `price` euro cents.
    pub fn product(&self, sku: &str, price: i64) -> Product {
        let now = Timestamp::now();
        let p = Product {
            sku: Sku::parse(sku).expect("a SKU"),
            name: format!("{sku} name"),
            description: None,
            unit: "each".into(),
            price: eur(price),
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.state().products.insert(p.sku.clone(), p.clone());
        p
    }

    /// A tier with `percent` off list prices.
    pub fn tier(&self, name: &str, percent: f64) -> PriceTier {
        let now = Timestamp::now();
        let t = PriceTier {
            tier_id: TierId::generate(),
            name: name.into(),
            discount: Discount::from_percent(percent).expect("a discount"),
            prices: BTreeMap::new(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.state().tiers.insert(t.tier_id.clone(), t.clone());
        t
    }

    /// The question `po`, required, asked at checkout.
    pub fn po_question(&self) {
        self.state().questions = CheckoutQuestions {
            questions: vec![CheckoutQuestion {
                question_id: "po".into(),
                label: "PO number".into(),
                required: true,
                kind: QuestionKind::Text,
                choices: Vec::new(),
            }],
            version: 1,
        };
    }

    /// An active login of `customer` with its Cognito user's pointer.
    pub fn login(&self, customer: &Customer, name: &str) -> Login {
        let now = Timestamp::now();
        let l = Login {
            login_id: LoginId::generate(),
            customer_id: customer.customer_id.clone(),
            name: LoginName::parse(name).expect("a name"),
            email: email(&format!(
                "{}@{}.example",
                name.to_lowercase().replace(' ', "."),
                &customer.customer_id.as_str()[4..]
            )),
            status: LoginStatus::Active,
            pending_email: None,
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
            cognito_sub: Some(format!("sub-{}", uuid::Uuid::new_v4().simple())),
            version: 1,
        };
        let mut s = self.state();
        s.login_emails.insert(l.email.clone(), l.login_id.clone());
        s.sub_links.insert(
            l.cognito_sub.clone().expect("a sub"),
            SubLink {
                sub: l.cognito_sub.clone().expect("a sub"),
                login_id: l.login_id.clone(),
                customer_id: l.customer_id.clone(),
                status: l.status,
            },
        );
        s.logins.insert(l.login_id.clone(), l.clone());
        l
    }

    /// A login's own session in its account.
    pub fn session(&self, customer: &Customer, login: &Login) -> Session {
        Session::own(SignedIn {
            login: login.clone(),
            customer: customer.clone(),
        })
    }

    /// A buyer at an account that may order: the account, its login and its session.
    pub fn buyer(&self) -> (Customer, Login, Session) {
        self.buyer_at("Acme Bakery", "Ann Baker", |_| {})
    }

    /// A buyer at an account on `tier`.
    pub fn buyer_on(&self, tier: &PriceTier) -> (Customer, Login, Session) {
        let tier_id = Some(tier.tier_id.clone());
        self.buyer_at("Acme Bakery", "Ann Baker", |c| c.price_tier_id = tier_id)
    }

    /// `login`, a buyer at the account `customer` (changed by `f` first).
    pub fn buyer_at(
        &self,
        customer: &str,
        login: &str,
        f: impl FnOnce(&mut Customer),
    ) -> (Customer, Login, Session) {
        let c = self.customer(customer, f);
        let l = self.login(&c, login);
        let s = self.session(&c, &l);
        (c, l, s)
    }
}
