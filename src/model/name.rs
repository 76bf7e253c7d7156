//! Object names, validated once: every later use (a path under the state root, a lookup, an
//! XML element) can rely on them.

use std::fmt;

/// The name of a domain, pool or volume: not empty, at most 255 bytes, no `/`, no NUL, no
/// newline, not starting with `.` (names become file names under the state root).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(String);

/// Why a name was refused; the Display says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name must not be empty")]
    Empty,
    #[error("name '{0}' is longer than 255 bytes")]
    TooLong(String),
    #[error("name '{0}' cannot contain '/'")]
    Slash(String),
    #[error("name '{0}' cannot contain a NUL or newline character")]
    Control(String),
    #[error("name '{0}' cannot start with '.'")]
    LeadingDot(String),
}

impl Name {
    pub fn new(name: &str) -> Result<Name, NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > 255 {
            return Err(NameError::TooLong(name.to_string()));
        }
        if name.contains('/') {
            return Err(NameError::Slash(name.to_string()));
        }
        if name.contains(['\0', '\n']) {
            return Err(NameError::Control(name.escape_debug().to_string()));
        }
        if name.starts_with('.') {
            return Err(NameError::LeadingDot(name.to_string()));
        }
        Ok(Name(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(Name::new("vm-1.test").is_ok());
        assert_eq!(Name::new(""), Err(NameError::Empty));
        assert!(matches!(Name::new("a/b"), Err(NameError::Slash(_))));
        assert!(matches!(
            Name::new(".hidden"),
            Err(NameError::LeadingDot(_))
        ));
        assert!(matches!(Name::new("a\0b"), Err(NameError::Control(_))));
        assert!(matches!(
            Name::new(&"x".repeat(256)),
            Err(NameError::TooLong(_))
        ));
        assert!(Name::new(&"x".repeat(255)).is_ok());
    }
}
