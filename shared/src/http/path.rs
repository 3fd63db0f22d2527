//! Ids in the path: parsed into their type, and a malformed one is "not found" like an unknown
//! one, since no such thing can exist.

use super::{Problem, path_param};
use crate::ids::{
    AddressId, ClientId, CustomerId, DeliveryId, InvitationId, LoginId, OrderId, Sku, TeamId,
    TierId, WebhookId,
};
use crate::secret::LinkToken;
use lambda_http::Request;

/// An id a route takes from its path.
pub trait PathId: Sized {
    /// The path parameter, as `template.yaml` names it.
    const PARAM: &'static str;
    /// What the client hears when there is no such thing.
    const NOT_FOUND: &'static str;
    fn from_path(raw: &str) -> Option<Self>;
}

/// The id in the path, or 404.
pub fn path_id<T: PathId>(req: &Request) -> Result<T, Problem> {
    path_param(req, T::PARAM)
        .and_then(|raw| T::from_path(&raw))
        .ok_or_else(|| Problem::not_found(T::NOT_FOUND))
}

macro_rules! path_id {
    ($t:ty, $param:literal, $not_found:literal, $parse:expr) => {
        impl PathId for $t {
            const PARAM: &'static str = $param;
            const NOT_FOUND: &'static str = $not_found;
            fn from_path(raw: &str) -> Option<Self> {
                $parse(raw)
            }
        }
    };
}

path_id!(
    CustomerId,
    "customer_id",
    "There is no customer with this id.",
    CustomerId::parse
);
path_id!(
    LoginId,
    "login_id",
    "There is no such login.",
    LoginId::parse
);
path_id!(
    InvitationId,
    "invitation_id",
    "There is no such invitation.",
    InvitationId::parse
);
path_id!(
    ClientId,
    "client_id",
    "There is no API client with this id.",
    ClientId::parse
);
path_id!(
    WebhookId,
    "webhook_id",
    "There is no webhook with this id.",
    WebhookId::parse
);
path_id!(
    DeliveryId,
    "delivery_id",
    "There is no such delivery of this webhook.",
    DeliveryId::parse
);
path_id!(
    AddressId,
    "address_id",
    "There is no such address in this account's address book.",
    AddressId::parse
);
path_id!(
    OrderId,
    "order_id",
    "There is no such order.",
    OrderId::parse
);
path_id!(
    TeamId,
    "team_id",
    "There is no team with this id.",
    TeamId::parse
);
path_id!(
    TierId,
    "tier_id",
    "There is no price tier with this id.",
    TierId::parse
);
path_id!(
    Sku,
    "sku",
    "There is no product with this SKU.",
    |raw: &str| Sku::parse(raw).ok()
);
path_id!(
    LinkToken,
    "token",
    "This link is not known.",
    LinkToken::parse
);
path_id!(
    crate::ids::ListId,
    "list_id",
    "There is no such list.",
    crate::ids::ListId::parse
);
