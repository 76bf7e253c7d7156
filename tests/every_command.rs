//! Every command of the registry runs without panicking on test:///default, given a value
//! for each required option: it succeeds or fails with an `error:` line.

use std::process::Command;

use virtsh_commands::parse::{options, OptKind};
use virtsh_commands::COMMANDS;

#[test]
fn no_command_panics() {
    for def in COMMANDS {
        if matches!(def.name, "console" | "edit" | "pool-edit") {
            continue; // these wait on a terminal or an editor; tests/repl.rs and tests/embedded.rs drive them
        }
        let mut words = vec![def.name.to_string()];
        for o in options(def).iter().filter(|o| o.required) {
            words.push(format!("--{}", o.name));
            if o.kind != OptKind::Bool {
                words.push(if o.value_name == "number" {
                    "1".into()
                } else {
                    "x".into()
                });
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_virtsh"))
            .args(["-c", "test:///default"])
            .args(&words)
            .env("EDITOR", "true")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{words:?}: {:?} {stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{words:?}: {stderr}");
        if !out.status.success() {
            assert!(stderr.starts_with("error: "), "{words:?}: {stderr}");
        }
    }
}
