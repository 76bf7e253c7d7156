//! What an option's value completes to, declared with the command: the engine lists live
//! objects of the connection for the `Domains`, `Pools`, `Networks` and `Volumes` kinds.

/// Which domains a domain option offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainFilter {
    All,
    Active,
    Inactive,
    Paused,
    /// Inactive and persistent (what `domrename` can take).
    InactivePersistent,
    Running,
    /// In a state other than running, paused or shut off (`dompmwakeup`).
    Other,
    /// With a managed save image.
    ManagedSave,
}

/// Which pools or networks an option offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    All,
    Active,
    Inactive,
}

/// The values of one option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    Domains(DomainFilter),
    Pools(Activity),
    Networks(Activity),
    /// The volumes of the pool given with `--pool`, else of every active pool.
    Volumes,
    Files,
    /// A fixed list (`--mode`, `--format`).
    Fixed(&'static [&'static str]),
    Nothing,
}

impl Values {
    /// What an option completes to when its command does not say: by the option's name.
    pub fn by_name(option: &str) -> Values {
        match option {
            "domain" => Values::Domains(DomainFilter::All),
            "pool" => Values::Pools(Activity::All),
            "network" => Values::Networks(Activity::All),
            "vol" => Values::Volumes,
            "file" => Values::Files,
            _ => Values::Nothing,
        }
    }

    /// What option `option` of a command with the declarations `declared` completes to.
    pub fn of(declared: &[(&str, Values)], option: &str) -> Values {
        declared
            .iter()
            .find(|(name, _)| *name == option)
            .map_or_else(|| Values::by_name(option), |(_, v)| *v)
    }
}
