//! The vocabulary every layer shares: object handles, states with their reasons and words,
//! info records, flag words and statistics, numbered as libvirt numbers them so that they cross
//! the wire unchanged. It depends on nothing but itself.

mod events;
mod flags;
mod handles;
mod info;
mod state;
pub mod stats;

pub use events::*;
pub use flags::*;
pub use handles::*;
pub use info::*;
pub use state::*;

pub(crate) use state::codes;
