//! Customer logins: provisioned by invitation, with an emailed temporary password, or with a
//! password the admin sets; managed by admins; their invitations and email changes.

mod email_change;
mod invitations;
mod manage;
mod model;
mod provision;
mod reset;
mod store;
mod view;

pub use email_change::*;
pub use invitations::*;
pub use manage::*;
pub use model::*;
pub use provision::{
    CreateLoginBody, NewLogin, ProvisionError, ProvisionMode, Provisioned, provision_login,
};
pub use reset::*;
pub use store::*;
pub use view::*;

#[cfg(test)]
mod tests;
