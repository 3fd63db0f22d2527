//! The HTTP API JWT authorizer: the same checks API Gateway makes before it
//! invokes a function on a route that is not public.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation, decode, decode_header, errors::ErrorKind,
    get_current_timestamp,
};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

/// A token's claims, as the token carries them.
pub type Claims = serde_json::Map<String, Value>;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECS: u64 = 5;
/// An unknown `kid` triggers at most one refetch of the key set per this interval.
const REFETCH_INTERVAL: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a request was refused; rendered as API Gateway's `www-authenticate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    description: Option<String>,
}

impl Rejection {
    fn missing() -> Self {
        Self { description: None }
    }

    fn invalid(description: impl Into<String>) -> Self {
        Self {
            description: Some(description.into()),
        }
    }

    /// What was wrong with the token; `None` when there was no token at all.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The `www-authenticate` header API Gateway sends with its 401.
    pub fn www_authenticate(&self) -> String {
        match &self.description {
            Some(description) => format!(
                "Bearer scope=\"\" error=\"invalid_token\" error_description=\"{}\"",
                description.replace('"', "'")
            ),
            None => "Bearer".to_owned(),
        }
    }
}

/// Verifies Cognito tokens against the user pool's published keys.
pub struct JwtAuthorizer {
    issuer: String,
    audience: String,
    keys: KeySet,
}

impl JwtAuthorizer {
    /// An authorizer for tokens of `issuer` issued to the app client `audience`,
    /// whose signing keys are published at `jwks_url`.
    pub fn new(issuer: String, audience: String, keys: KeySet) -> Self {
        Self {
            issuer,
            audience,
            keys,
        }
    }

    /// Where the signing keys are fetched from.
    pub fn jwks_url(&self) -> &str {
        &self.keys.url
    }

    /// Checks the `Authorization` header's token (the `Bearer ` prefix is
    /// optional) and returns its claims.
    pub async fn authorize(&self, authorization: Option<&str>) -> Result<Claims, Rejection> {
        let token = authorization
            .map(str::trim)
            .map(|value| strip_bearer(value).trim())
            .filter(|token| !token.is_empty())
            .ok_or_else(Rejection::missing)?;

        let header = decode_header(token).map_err(|e| describe(e.kind()))?;
        if header.alg != Algorithm::RS256 {
            return Err(Rejection::invalid(format!(
                "signing method {:?} is invalid",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| Rejection::invalid("the token has no kid"))?;
        let key = self
            .keys
            .get(&kid)
            .await
            .ok_or_else(|| Rejection::invalid(format!("no signing key has the kid {kid}")))?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(|e| describe(e.kind()))?
            .claims;

        let iat = claims.get("iat").and_then(Value::as_u64);
        if iat.is_some_and(|iat| iat > get_current_timestamp() + LEEWAY_SECS) {
            return Err(Rejection::invalid("the token was issued in the future"));
        }
        if !has_audience(&claims, &self.audience) {
            return Err(Rejection::invalid(
                "the token does not have a valid audience",
            ));
        }
        Ok(claims)
    }
}

fn strip_bearer(value: &str) -> &str {
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest,
        None if value.eq_ignore_ascii_case("bearer") => "",
        _ => value,
    }
}

/// `aud` when present (a string or a list), else an access token's `client_id`.
fn has_audience(claims: &Claims, audience: &str) -> bool {
    match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        Some(_) => false,
        None => claims.get("client_id").and_then(Value::as_str) == Some(audience),
    }
}

fn describe(kind: &ErrorKind) -> Rejection {
    Rejection::invalid(match kind {
        ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
        ErrorKind::ImmatureSignature => "the token is not valid yet".to_owned(),
        ErrorKind::InvalidIssuer => "the token does not have a valid issuer".to_owned(),
        ErrorKind::InvalidSignature => "signature is invalid".to_owned(),
        ErrorKind::InvalidAlgorithm => "the signing method is invalid".to_owned(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim} claim"),
        ErrorKind::InvalidClaimFormat(claim) => format!("the {claim} claim is malformed"),
        _ => "the token is malformed".to_owned(),
    })
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    n: Option<String>,
    e: Option<String>,
}

struct CachedKeys {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

/// The pool's JWKS, fetched on first use and cached; an unknown `kid` refetches
/// it, at most once per 30 seconds after a successful fetch.
pub struct KeySet {
    url: String,
    http: reqwest::Client,
    refetch_interval: Duration,
    cache: Mutex<CachedKeys>,
}

impl KeySet {
    /// A key set published at `url` (plain HTTP locally).
    pub fn new(url: String) -> anyhow::Result<Self> {
        let mut http = crate::http_client::builder().timeout(FETCH_TIMEOUT);
        if url.starts_with("http://") {
            http = http.no_proxy();
        }
        Ok(Self {
            url,
            http: http.build()?,
            refetch_interval: REFETCH_INTERVAL,
            cache: Mutex::new(CachedKeys {
                keys: HashMap::new(),
                fetched_at: None,
            }),
        })
    }

    #[cfg(test)]
    fn with_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    async fn get(&self, kid: &str) -> Option<DecodingKey> {
        let mut cache = self.cache.lock().await;
        if let Some(key) = cache.keys.get(kid) {
            return Some(key.clone());
        }
        if cache
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.refetch_interval)
        {
            return None;
        }
        match self.fetch().await {
            Ok(keys) => {
                cache.keys = keys;
                cache.fetched_at = Some(Instant::now());
            }
            Err(error) => {
                tracing::error!(url = %self.url, error = format!("{error:#}"), "cannot fetch the JWKS")
            }
        }
        cache.keys.get(kid).cloned()
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, DecodingKey>> {
        let set: JwkSet = self
            .http
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut keys = HashMap::new();
        for jwk in set.keys {
            if let (Some(kid), "RSA", Some(n), Some(e)) = (jwk.kid, jwk.kty.as_str(), jwk.n, jwk.e)
            {
                keys.insert(kid, DecodingKey::from_rsa_components(&n, &e)?);
            }
        }
        tracing::debug!(url = %self.url, keys = keys.len(), "fetched the JWKS");
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{AUDIENCE, ISSUER, JwksServer, TestKey, id_token_claims, now, sign};

    fn authorizer(server: &JwksServer) -> JwtAuthorizer {
        JwtAuthorizer::new(
            ISSUER.into(),
            AUDIENCE.into(),
            KeySet::new(server.url()).unwrap(),
        )
    }

    fn description(result: Result<Claims, Rejection>) -> String {
        result
            .unwrap_err()
            .description()
            .unwrap_or("<missing>")
            .to_owned()
    }

    /// The ID token's claims with `changes`: each claim set to a value, or removed (`None`).
    fn claims_with(changes: &[(&str, Option<Value>)]) -> Claims {
        let mut claims = id_token_claims();
        for (name, value) in changes {
            match value {
                Some(value) => claims.insert((*name).to_owned(), value.clone()),
                None => claims.remove(*name),
            };
        }
        claims
    }

    /// Why a token of `claims`, signed with the published key, is refused.
    async fn refusal(claims: &Claims) -> String {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let token = sign(claims, TestKey::Signing);
        description(authorizer(&server).authorize(Some(&token)).await)
    }

    #[tokio::test]
    async fn a_valid_id_token_yields_its_claims() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);
        let token = sign(&id_token_claims(), TestKey::Signing);

        let claims = authorizer
            .authorize(Some(&format!("Bearer {token}")))
            .await
            .unwrap();

        assert_eq!(claims["sub"], "user-1");
        assert_eq!(claims["cognito:groups"], json!(["admins"]));
    }

    #[tokio::test]
    async fn the_bearer_prefix_is_optional() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);
        let token = sign(&id_token_claims(), TestKey::Signing);

        assert!(authorizer.authorize(Some(&token)).await.is_ok());
        assert!(
            authorizer
                .authorize(Some(&format!("bearer  {token}")))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn an_access_token_is_checked_by_its_client_id() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let access = |client_id: &str| {
            claims_with(&[
                ("aud", None),
                ("token_use", Some(json!("access"))),
                ("client_id", Some(json!(client_id))),
            ])
        };
        let good = sign(&access(AUDIENCE), TestKey::Signing);

        assert!(authorizer(&server).authorize(Some(&good)).await.is_ok());
        assert!(
            refusal(&access("another-client"))
                .await
                .contains("audience")
        );
    }

    #[tokio::test]
    async fn an_expired_token_is_refused() {
        let expired = claims_with(&[
            ("iat", Some(json!(now() - 7200))),
            ("exp", Some(json!(now() - 3600))),
        ]);

        assert_eq!(refusal(&expired).await, "the token has expired");
    }

    #[tokio::test]
    async fn a_token_not_valid_yet_is_refused() {
        let from_the_future = claims_with(&[("iat", Some(json!(now() + 600)))]);
        let not_before = claims_with(&[("nbf", Some(json!(now() + 600)))]);

        assert!(refusal(&from_the_future).await.contains("future"));
        assert!(refusal(&not_before).await.contains("not valid yet"));
    }

    #[tokio::test]
    async fn a_token_of_another_issuer_is_refused() {
        let other = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other";

        assert!(
            refusal(&claims_with(&[("iss", Some(json!(other)))]))
                .await
                .contains("issuer")
        );
        assert!(
            refusal(&claims_with(&[("iss", None)]))
                .await
                .contains("iss")
        );
    }

    #[tokio::test]
    async fn a_token_for_another_audience_is_refused() {
        let claims = claims_with(&[("aud", Some(json!("another-client")))]);

        assert_eq!(
            refusal(&claims).await,
            "the token does not have a valid audience"
        );
    }

    #[tokio::test]
    async fn a_token_signed_by_another_key_is_refused() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);
        let forged = crate::testing::sign_with_kid(
            &id_token_claims(),
            TestKey::Other,
            TestKey::Signing.kid(),
        );

        let result = authorizer.authorize(Some(&forged)).await;

        assert_eq!(description(result), "signature is invalid");
    }

    #[tokio::test]
    async fn an_unknown_kid_is_refused_and_refetches_at_most_once_per_interval() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);
        let known = sign(&id_token_claims(), TestKey::Signing);
        let unknown = sign(&id_token_claims(), TestKey::Other);

        assert!(authorizer.authorize(Some(&known)).await.is_ok());
        let first = authorizer.authorize(Some(&unknown)).await;
        let second = authorizer.authorize(Some(&unknown)).await;
        assert!(authorizer.authorize(Some(&known)).await.is_ok());

        assert!(description(first).contains(TestKey::Other.kid()));
        assert!(second.is_err());
        assert_eq!(server.fetches(), 1);
    }

    #[tokio::test]
    async fn a_rotated_in_key_is_found_by_a_refetch() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let keys = KeySet::new(server.url())
            .unwrap()
            .with_refetch_interval(Duration::ZERO);
        let authorizer = JwtAuthorizer::new(ISSUER.into(), AUDIENCE.into(), keys);
        assert!(
            authorizer
                .authorize(Some(&sign(&id_token_claims(), TestKey::Signing)))
                .await
                .is_ok()
        );

        server.publish(&[TestKey::Signing, TestKey::Other]);
        let rotated = authorizer
            .authorize(Some(&sign(&id_token_claims(), TestKey::Other)))
            .await;

        assert!(rotated.is_ok());
        assert_eq!(server.fetches(), 2);
    }

    #[tokio::test]
    async fn a_missing_or_malformed_token_is_refused() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);

        let missing = authorizer.authorize(None).await.unwrap_err();
        let empty = authorizer.authorize(Some("Bearer ")).await.unwrap_err();
        let garbage = authorizer
            .authorize(Some("Bearer abc.def"))
            .await
            .unwrap_err();

        assert_eq!(missing.description(), None);
        assert_eq!(missing.www_authenticate(), "Bearer");
        assert_eq!(empty.description(), None);
        assert_eq!(
            garbage.www_authenticate(),
            "Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token is malformed\""
        );
        assert_eq!(server.fetches(), 0);
    }

    #[tokio::test]
    async fn an_hmac_token_is_refused_before_any_key_lookup() {
        let server = JwksServer::start(&[TestKey::Signing]).await;
        let authorizer = authorizer(&server);
        let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
        header.kid = Some(TestKey::Signing.kid().into());
        let token = jsonwebtoken::encode(
            &header,
            &id_token_claims(),
            &jsonwebtoken::EncodingKey::from_secret(b"secret"),
        )
        .unwrap();

        let result = authorizer.authorize(Some(&token)).await;

        assert!(description(result).contains("HS256"));
        assert_eq!(server.fetches(), 0);
    }
}
