//! Workspace roles and what each may do.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees only the channels they were added to; cannot create channels or invite.
    Guest,
    Member,
    /// Manages members and roles, deletes any message.
    Admin,
    /// An admin who cannot be removed or demoted by admins; a workspace keeps at least one.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Guest => "guest",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            "member" => Role::Member,
            "guest" => Role::Guest,
            _ => return None,
        })
    }

    pub fn is_admin(self) -> bool {
        self >= Role::Admin
    }

    pub fn is_guest(self) -> bool {
        self == Role::Guest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_by_power() {
        assert!(Role::Owner.is_admin() && Role::Admin.is_admin());
        assert!(!Role::Member.is_admin() && !Role::Guest.is_admin());
        for r in [Role::Owner, Role::Admin, Role::Member, Role::Guest] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
