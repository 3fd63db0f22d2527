//! Customer accounts and their logins, made and changed through the admin API: what most tests
//! set up before the part they are about, and the links a login is emailed.

use crate::mailbox::Mail;
use crate::{Api, Reply, id_of, password_auth, sign_in, unique_email, unique_word};
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use serde_json::{Value, json};

/// The password the tests choose for a login.
pub const PASSWORD: &str = "Chosen-passw0rd";

impl Api {
    /// Creates a customer with a unique name and email through the API and returns it.
    pub async fn new_customer(&self) -> Value {
        let body =
            json!({"name": format!("Customer {}", unique_word()), "email": unique_email("co")});
        let r = self.post("/admin/customers", &body).await;
        assert_eq!(r.status, 201, "creating a customer failed: {}", r.body);
        r.body
    }

    /// The id of a new customer (see [`Api::new_customer`]).
    pub async fn new_customer_id(&self) -> String {
        id_of(&self.new_customer().await, "customer_id")
    }

    /// `PATCH /admin/customers/{customer_id}`.
    pub async fn update_customer(&self, customer_id: &str, changes: &Value) -> Reply {
        self.patch(&format!("/admin/customers/{customer_id}"), changes)
            .await
    }

    /// `POST /admin/customers/{customer_id}/logins`.
    pub async fn create_login(&self, customer_id: &str, login: &Value) -> Reply {
        self.post(&format!("/admin/customers/{customer_id}/logins"), login)
            .await
    }

    /// Invites `email` to be a login of the customer (the default mode) and returns the login.
    pub async fn invite(&self, customer_id: &str, name: &str, email: &str) -> Value {
        self.create_login(customer_id, &json!({"name": name, "email": email}))
            .await
            .ok(201)
    }

    /// A login of the customer that signs in with `email` and [`PASSWORD`] at once; the login.
    pub async fn password_login(&self, customer_id: &str, name: &str, email: &str) -> Value {
        let login = json!({"name": name, "email": email, "mode": "password", "password": PASSWORD});
        self.create_login(customer_id, &login).await.ok(201)
    }

    /// A new customer with one login, `name`, that signs in with [`PASSWORD`] at once:
    /// (customer id, login id, the login's email).
    pub async fn active_login(&self, name: &str) -> (String, String, String) {
        let customer_id = self.new_customer_id().await;
        let email = unique_email("login");
        let login = self.password_login(&customer_id, name, &email).await;
        (customer_id, id_of(&login, "login_id"), email)
    }

    /// `PATCH /admin/logins/{login_id}`.
    pub async fn update_login(&self, login_id: &str, changes: &Value) -> Reply {
        self.patch(&format!("/admin/logins/{login_id}"), changes)
            .await
    }

    /// A new customer (on price tier `tier` if given) with one active login, and an API client
    /// signed in as that login.
    pub async fn customer_with_login(&self, tier: Option<&str>) -> (Value, Api) {
        let customer = self.new_customer().await;
        let id = id_of(&customer, "customer_id");
        if let Some(t) = tier {
            self.update_customer(&id, &json!({"price_tier_id": t}))
                .await
                .ok(200);
        }
        let email = unique_email("buyer");
        self.password_login(&id, "Buyer", &email).await;
        (customer, Api::with_token(sign_in(&email, PASSWORD).await))
    }
}

/// `GET /me` as the login that signs in with `email` and `password`.
pub async fn me_of(email: &str, password: &str) -> Reply {
    Api::with_token(sign_in(email, password).await)
        .get("/me")
        .await
}

/// What the invitation link `token` shows before it is accepted (`GET /invitations/{token}`).
pub async fn preview_link(token: &str) -> Reply {
    Api::anonymous().get(&format!("/invitations/{token}")).await
}

/// Accepts the invitation of link `token`, choosing `password`.
pub async fn accept_link(token: &str, password: &str) -> Reply {
    Api::anonymous()
        .post(
            &format!("/invitations/{token}/accept"),
            &json!({"password": password}),
        )
        .await
}

/// Confirms the new email address of link `token`, as its owner does.
pub async fn confirm_email_change(token: &str) -> Reply {
    Api::anonymous()
        .post(&format!("/email-changes/{token}/confirm"), &json!({}))
        .await
}

/// Signs in as `email` with each word of `mail` that could be an emailed temporary password
/// (16 letters and digits), asserting that one that signs in must choose a new password; the
/// sign-in session of the first that does.
pub async fn temporary_password_session(email: &str, mail: &Mail) -> Option<String> {
    let words = mail
        .body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 16);
    let mut session = None;
    for word in words {
        if let Ok(out) = password_auth(email, word).await {
            assert_eq!(
                out.challenge_name(),
                Some(&ChallengeNameType::NewPasswordRequired)
            );
            session = session.or_else(|| out.session().map(str::to_owned));
        }
    }
    session
}
