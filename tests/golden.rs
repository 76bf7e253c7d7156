//! The golden suite: every case of `tests/golden/cases.txt` was run through the real virsh
//! (`tests/golden/capture.sh`) into `tests/golden/cases/NAME.case`; virtsh must print the same
//! stdout and stderr, byte for byte, and exit with the same status. And the stored cases must
//! still be what the installed virsh prints. Both compare through one normaliser
//! (`tests/common/golden.rs`).

mod common;

use common::golden::{command, golden_dir, shell_words, Case};

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string()
}

fn captured_host(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("hostname.txt"))
        .unwrap()
        .trim()
        .to_string()
}

/// Checks every case of `cases` against what `program` prints now.
fn compare(cases: &[Case], hosts: (&str, &str), program: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let got = command(program, &case.args).output().unwrap();
        let why = case.differences(&got, hosts);
        if !why.is_empty() {
            failures.push(format!(
                "== {} ({:?})\n{}",
                case.name,
                case.args,
                why.join("\n")
            ));
        }
    }
    failures
}

#[test]
fn golden_cases_match_virsh() {
    let dir = golden_dir();
    let cases = Case::load_all(&dir.join("cases"));
    assert!(cases.len() >= 200, "only {} golden cases", cases.len());
    let (captured, here) = (captured_host(&dir), this_host());
    let failures = compare(&cases, (&captured, &here), env!("CARGO_BIN_EXE_virtsh"));
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The stored cases are what the installed virsh prints today: a virsh that changed its
/// output shows up here, not as a virtsh failure.
#[test]
fn golden_cases_are_what_the_installed_virsh_prints() {
    let dir = golden_dir();
    let cases = Case::load_all(&dir.join("cases"));
    let virsh = std::process::Command::new("virsh")
        .arg("--version")
        .output();
    assert!(
        virsh.is_ok_and(|o| o.status.success()),
        "no virsh to check the golden cases against: run scripts/setup-test-env.sh (as root)"
    );
    let (captured, here) = (captured_host(&dir), this_host());
    let failures = compare(&cases, (&captured, &here), "virsh");
    assert!(
        failures.is_empty(),
        "{} golden cases are stale (recapture with tests/golden/capture.sh):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn case_commands_split_as_a_shell_splits_them() {
    assert_eq!(
        shell_words(r#"virsh -c x 'a b; c' "d \"e\"" f\ g ''"#),
        vec!["virsh", "-c", "x", "a b; c", "d \"e\"", "f g", ""]
    );
}
