//! libvirt's rules for adding an object to a driver's list (`virDomainObjListAdd`,
//! `virStoragePoolObjListAdd`, `virNetworkObjListAdd`) and its words for one that is not
//! there, said once, with libvirt's messages, for every driver and object kind. A driver finds the objects that share the new one's UUID or
//! name, and calls [`check_add`] while it holds whatever makes check and write one critical
//! section (the test driver's state lock, the embedded root's list lock).

use uuid::Uuid;

use crate::error::{Error, Result};

/// The kinds of object the rules serve, as libvirt's messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Domain,
    Pool,
    Network,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Domain => "domain",
            Kind::Pool => "pool",
            Kind::Network => "network",
        }
    }

    /// libvirt's error for a name no object of this kind has.
    pub fn not_named(self, name: &str) -> Error {
        match self {
            Kind::Domain => Error::no_domain(format!("no domain with matching name '{name}'")),
            Kind::Pool => Error::no_pool(format!("no storage pool with matching name '{name}'")),
            Kind::Network => Error::no_network(format!("no network with matching name '{name}'")),
        }
    }

    /// libvirt's error for an object of this kind that no object has the UUID of: the
    /// handle's name follows when the lookup was by a handle (`virDomainObjListFindByUUID`'s
    /// callers, and the pool's and network's).
    pub fn not_found(self, uuid: &Uuid, name: Option<&str>) -> Error {
        let named = name.map_or(String::new(), |n| format!(" ({n})"));
        match self {
            Kind::Domain => {
                Error::no_domain(format!("no domain with matching uuid '{uuid}'{named}"))
            }
            Kind::Pool => Error::no_pool(format!(
                "no storage pool with matching uuid '{uuid}'{named}"
            )),
            Kind::Network => {
                Error::no_network(format!("no network with matching uuid '{uuid}'{named}"))
            }
        }
    }
}

/// An object already in the list, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub name: String,
    pub uuid: Uuid,
    /// Running (a domain), active (a pool or network).
    pub active: bool,
    pub persistent: bool,
    /// Another caller is starting it right now.
    pub starting: bool,
}

/// What is being added: a definition (define), or a live object (create: libvirt's
/// `ADD_LIVE | ADD_CHECK_LIVE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adding {
    Definition,
    Live,
}

/// Whether an object named `name` with `uuid` may be added. `by_uuid` is the object that has
/// the UUID, `by_name` the one that has the name (the same object, or none, when they agree).
/// `Ok(true)`: the existing object is the same one and is reused (its definition replaced);
/// `Ok(false)`: the object is new.
pub fn check_add(
    kind: Kind,
    name: &str,
    uuid: &Uuid,
    by_uuid: Option<&Existing>,
    by_name: Option<&Existing>,
    adding: Adding,
) -> Result<bool> {
    let word = kind.word();
    if let Some(e) = by_uuid {
        if e.name != name {
            return Err(Error::operation_failed(format!(
                "{word} '{}' is already defined with uuid {uuid}",
                e.name
            )));
        }
        if adding == Adding::Live {
            if e.active {
                return Err(Error::operation_invalid(match kind {
                    Kind::Domain => format!("domain '{name}' is already active"),
                    Kind::Pool | Kind::Network => format!("{word} is already active as '{name}'"),
                }));
            }
            // An inactive transient domain is one whose create is still in flight.
            if e.starting || (kind == Kind::Domain && !e.persistent) {
                return Err(Error::operation_invalid(match kind {
                    Kind::Domain => format!("domain '{name}' is already being started"),
                    Kind::Pool | Kind::Network => format!("{word} '{name}' is starting up"),
                }));
            }
        }
        return Ok(true);
    }
    if let Some(e) = by_name {
        return Err(Error::operation_failed(format!(
            "{word} '{name}' already exists with uuid {}",
            e.uuid
        )));
    }
    Ok(false)
}

/// `virStoragePoolObjSourceFindDuplicate` for `dir` pools: another pool on the same target
/// path (paths compared without trailing slashes).
pub fn check_pool_target(
    name: &str,
    target: Option<&str>,
    other: &str,
    other_target: Option<&str>,
) -> Result<()> {
    let clean = |p: Option<&str>| p.map(|p| p.trim_end_matches('/').to_string());
    if name != other && target.is_some() && clean(target) == clean(other_target) {
        return Err(Error::operation_failed(format!(
            "Storage source conflict with pool: '{other}'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(name: &str, uuid: Uuid, active: bool, persistent: bool) -> Existing {
        Existing {
            name: name.into(),
            uuid,
            active,
            persistent,
            starting: false,
        }
    }

    #[test]
    #[rustfmt::skip]
    fn libvirts_messages_for_every_kind() {
        let u = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let a = existing("a", u, false, true);
        let running = existing("a", u, true, true);
        let in_flight = existing("a", u, false, false);
        let invalid = "Requested operation is not valid";
        // (kind, name, uuid, the object with that uuid, the one with that name, how, outcome)
        type Case<'a> = (Kind, &'a str, &'a Uuid, Option<&'a Existing>, Option<&'a Existing>, Adding, std::result::Result<bool, String>);
        let cases: [Case; 9] = [
            (Kind::Domain, "b", &u, Some(&a), None, Adding::Definition,
             Err(format!("operation failed: domain 'a' is already defined with uuid {u}"))),
            (Kind::Pool, "a", &other, None, Some(&a), Adding::Definition,
             Err(format!("operation failed: pool 'a' already exists with uuid {u}"))),
            (Kind::Network, "a", &u, Some(&a), Some(&a), Adding::Live, Ok(true)),
            (Kind::Domain, "a", &u, Some(&running), Some(&running), Adding::Live,
             Err(format!("{invalid}: domain 'a' is already active"))),
            (Kind::Network, "a", &u, Some(&running), Some(&running), Adding::Live,
             Err(format!("{invalid}: network is already active as 'a'"))),
            (Kind::Domain, "a", &u, Some(&in_flight), Some(&in_flight), Adding::Live,
             Err(format!("{invalid}: domain 'a' is already being started"))),
            (Kind::Domain, "a", &u, Some(&running), None, Adding::Definition, Ok(true)),
            (Kind::Domain, "c", &u, None, None, Adding::Live, Ok(false)),
            (Kind::Pool, "c", &other, None, None, Adding::Definition, Ok(false)),
        ];
        for (kind, name, uuid, by_uuid, by_name, how, want) in cases {
            let got = check_add(kind, name, uuid, by_uuid, by_name, how).map_err(|e| e.to_string());
            assert_eq!(got, want, "{kind:?} {name}");
        }
    }

    #[test]
    fn pool_targets_conflict_on_the_same_path_only() {
        assert!(check_pool_target("b", Some("/x"), "a", Some("/x")).is_err());
        assert!(check_pool_target("a", Some("/x"), "a", Some("/x")).is_ok());
        assert!(check_pool_target("b", Some("/y"), "a", Some("/x")).is_ok());
    }
}
