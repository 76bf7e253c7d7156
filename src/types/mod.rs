//! The vocabulary every layer shares: object handles, states with their reasons and words,
//! info records, flag words and statistics, numbered as libvirt numbers them so that they cross
//! the wire unchanged, and libvirt's names for them. It depends on nothing but the crate's
//! base modules (errors, system facts).

mod events;
mod flags;
mod handles;
mod info;
mod moments;
mod saves;
mod state;
pub mod stats;
mod vocabulary;

pub use events::*;
pub use flags::*;
pub use handles::*;
pub use info::*;
pub use moments::*;
pub use saves::*;
pub use state::*;
pub use vocabulary::*;

pub(crate) use state::codes;
