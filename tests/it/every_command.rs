//! Every command of the registry runs without panicking on test:///default, given a value
//! for each required option: it succeeds or fails with an `error:` line.

use std::process::Command;

use virtsh_commands::parse::{options, OptKind};
use virtsh_commands::COMMANDS;

#[test]
fn no_command_panics() {
    let scratch = tempfile::tempdir().unwrap();
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
            // Commands that write files (screenshot) write them here, not in the checkout.
            .current_dir(scratch.path())
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

/// A value for a required option of a command, one that names an object of libvirt's default
/// fixture where the option names one.
fn value_for(option: &str, value_name: &str) -> String {
    match option {
        "domain" => "test",
        "pool" => "default-pool",
        "network" => "default",
        "interface" => "aa:bb:cc:dd:ee:ff",
        "file" | "xml" => "/dev/null",
        _ if value_name == "number" => "1",
        _ => "x",
    }
    .to_string()
}

/// Under `--json` every command that prints data prints JSON with fields, never a text blob
/// (`{"text": ...}`) or virsh's plain text, and every error is `{"error": {"code", "message"}}`
/// with libvirt's code where libvirt's error has one. Only `echo` and `help` print text as
/// their data.
#[test]
fn every_command_speaks_json() {
    let scratch = tempfile::tempdir().unwrap();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for def in COMMANDS {
        if matches!(def.name, "console" | "edit" | "pool-edit" | "net-edit") {
            continue;
        }
        let mut words = vec![def.name.to_string()];
        for o in options(def).iter().filter(|o| o.required) {
            if o.positional {
                words.push(value_for(&o.name, &o.value_name));
                continue;
            }
            words.push(format!("--{}", o.name));
            if o.kind != OptKind::Bool {
                words.push(value_for(&o.name, &o.value_name));
            }
        }
        runs.push(words);
    }
    // And what prints data beyond the required options.
    for extra in [
        "event --list",
        "event --all --timeout 1",
        "net-event --list",
        "pool-event --list",
        "desc test",
        "desc test --title",
        "domifstat test testnet0",
        "domif-getlink test testnet0",
        "domiftune test testnet0",
        "dominfo nosuch",
        "dumpxml test --xpath //name",
    ] {
        runs.push(extra.split(' ').map(String::from).collect());
    }
    // Snapshots and checkpoints live as long as the connection: their data, made in one batch.
    for batch in [
        "snapshot-create-as test s1; snapshot-create-as test s2; snapshot-list test; \
         snapshot-list test --tree; snapshot-list test --name; snapshot-info test s2; \
         snapshot-current test --name; snapshot-current test; snapshot-parent test s2; \
         snapshot-dumpxml test s1; snapshot-dumpxml test s1 --xpath //name; \
         snapshot-create-as test --print-xml; snapshot-revert test s1; snapshot-delete test s2",
        "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-list test; \
         checkpoint-list test --tree; checkpoint-list test --name; checkpoint-info test c2; \
         checkpoint-parent test c2; checkpoint-dumpxml test c2; checkpoint-delete test c1",
    ] {
        runs.push(vec![batch.to_string()]);
    }
    let mut blobs = Vec::new();
    for words in runs {
        let out = Command::new(env!("CARGO_BIN_EXE_virtsh"))
            .args(["--json", "-c", "test:///default"])
            .args(&words)
            .env("EDITOR", "true")
            // Commands that write files (screenshot) write them here, not in the checkout.
            .current_dir(scratch.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        for line in stdout.lines().filter(|l| !l.is_empty()) {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v)
                    if v.get("text").is_some() && !matches!(words[0].as_str(), "echo" | "help") =>
                {
                    blobs.push(format!("{words:?}: {line}"))
                }
                Ok(v) if !v.is_object() && !v.is_array() => {
                    blobs.push(format!("{words:?}: neither object nor list: {line}"))
                }
                Ok(_) => {}
                Err(_) => blobs.push(format!("{words:?}: not JSON: {line}")),
            }
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in stderr.lines().filter(|l| !l.is_empty()) {
            let v: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(_) => {
                    blobs.push(format!("{words:?}: stderr not JSON: {line}"));
                    continue;
                }
            };
            let code = v["error"]["code"].as_str().unwrap_or_default();
            let message = v["error"]["message"].as_str().unwrap_or_default();
            if code.is_empty() || message.is_empty() {
                blobs.push(format!(
                    "{words:?}: stderr without code and message: {line}"
                ));
            }
            if words[0] == "dominfo" && code != "no_domain" {
                blobs.push(format!(
                    "{words:?}: a failed lookup's code is libvirt's: {line}"
                ));
            }
        }
    }
    assert!(
        blobs.is_empty(),
        "{} commands print text under --json:\n{}",
        blobs.len(),
        blobs.join("\n")
    );
}
