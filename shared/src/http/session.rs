//! The caller of a customer route and the request's reads, in one round trip: a token's hints
//! name the login and account, so their items, the route's declared reads and the order
//! counter go together; the session rules then run on what was read.

use super::{Problem, actor, route_key};
use crate::actor::Actor;
use crate::audit::AuditLog;
use crate::customers::CustomerStore;
use crate::logins::LoginStore;
use crate::reads::{Prefetch, Reads};
use crate::session::{self, ACT_AS, ACT_AS_REASON, ActAsRequest, Session, SessionIds};
use lambda_http::Request;

/// The session a customer route runs in — a customer token's own login, or, for an admin token
/// with `X-Act-As` and `X-Act-As-Reason`, the login the admin acts as (audited) — and the
/// request's own store, holding what `reads` declares for the session's ids.
pub async fn customer_session<S>(
    store: &S,
    req: &Request,
    reads: impl FnOnce(&SessionIds) -> Reads,
) -> Result<(Session, S), Problem>
where
    S: Prefetch + LoginStore + CustomerStore + AuditLog,
{
    let header = |name: &str| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    };
    match (actor(req), header(ACT_AS)) {
        (Actor::Customer(_), Some(_)) => Err(Problem::forbidden(
            "Only the seller's admins may act as a login.",
        )),
        (Actor::Customer(p), None) => match SessionIds::hinted(&p) {
            Some(ids) => {
                let all = ids.session_reads(&p).merged(reads(&ids));
                let request = store.prefetch(&all).await?;
                let session = session::own_session(&request, &p, Some(&ids)).await?;
                Ok((session, request))
            }
            None => {
                let session = session::own_session(store, &p, None).await?;
                let request = store.prefetch(&reads(&session.ids())).await?;
                Ok((session, request))
            }
        },
        (Actor::Admin(admin), Some(target)) => {
            let request = ActAsRequest::parse(&target, header(ACT_AS_REASON).as_deref())
                .map_err(Problem::invalid)?;
            let session = session::act_as(store, &admin, &request, &route_key(req)).await?;
            let request = store.prefetch(&reads(&session.ids())).await?;
            Ok((session, request))
        }
        (Actor::Admin(_), None) => Err(Problem::forbidden(
            "This route is for customer logins. An admin may act as one by sending \
             X-Act-As (the login id) and X-Act-As-Reason.",
        )),
        (Actor::Client(_), _) => Err(Problem::forbidden(
            "This route is for customer logins; API clients call admin routes only.",
        )),
        (Actor::Ungrouped(_), _) => Err(Problem::forbidden(
            "This route is for customer logins, and this user is in no group that may use it.",
        )),
        (Actor::Anonymous, _) => Err(Problem::unauthorized()),
    }
}

/// As [`customer_session`], for a route that changes the login's own credentials: an admin
/// acting as the login is refused (403) before anything is read or written, so the refusal
/// leaves no trace but the log.
pub async fn own_credentials_session<S>(store: &S, req: &Request) -> Result<(Session, S), Problem>
where
    S: Prefetch + LoginStore + CustomerStore + AuditLog,
{
    if matches!(actor(req), Actor::Admin(_)) && req.headers().contains_key(ACT_AS) {
        return Err(crate::me::OwnLoginError::ActingAs.into());
    }
    customer_session(store, req, |_| Reads::none()).await
}

/// As [`customer_session`], for a route whose reads depend on its input: `parse` runs first so
/// its reads join the session's, but a bad input is reported only after the caller is known.
pub async fn customer_request<S, T>(
    store: &S,
    req: &Request,
    parse: impl FnOnce(&Request) -> Result<T, Problem>,
    reads: impl FnOnce(&SessionIds, &T) -> Reads,
) -> Result<(Session, S, T), Problem>
where
    S: Prefetch + LoginStore + CustomerStore + AuditLog,
{
    let parsed = parse(req);
    let (session, request) = customer_session(store, req, |ids| match &parsed {
        Ok(input) => reads(ids, input),
        Err(_) => Reads::none(),
    })
    .await?;
    Ok((session, request, parsed?))
}
