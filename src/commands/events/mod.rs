//! Domain events: one file per command (the `Events` group of the registry).

mod event;
